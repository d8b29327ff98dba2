package diagnostics

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/wrangler"
	"github.com/cloudwerk/cloudwerk-lsp/internal/testutil"
)

const driftSQLiteObject = `import { defineDurableObject } from '@cloudwerk/durable-object'

export default defineDurableObject({
  sqlite: true,
  init() { return { n: 0 } },
  methods: { inc() { return 1 } },
})
`

const driftKVObject = `import { defineDurableObject } from '@cloudwerk/durable-object'

export default defineDurableObject({
  init() { return { n: 0 } },
  methods: { inc() { return 1 } },
})
`

const driftCleanWrangler = `name = "x"

[[durable_objects.bindings]]
name = "COUNTER"
class_name = "Counter"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["Counter"]
`

// loadDriftApp writes files under a temp app root and loads it like check does.
func loadDriftApp(t *testing.T, files map[string]string) *analysis.App {
	t.Helper()
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	testutil.WriteFiles(t, root, files)
	app, err := analysis.LoadApp(root)
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// driftKeys renders findings as "CODE file:line" (1-based line), sorted.
func driftKeys(app *analysis.App, diags []Diagnostic) []string {
	var out []string
	for _, d := range diags {
		rel, _ := filepath.Rel(app.Root, d.Path)
		out = append(out, fmt.Sprintf("%s %s:%d", d.Code, filepath.ToSlash(rel), d.Range.Start.Line+1))
	}
	sort.Strings(out)
	return out
}

func TestDriftFindings(t *testing.T) {
	counter := "app/objects/counter.ts"
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"clean", map[string]string{counter: driftSQLiteObject, "wrangler.toml": driftCleanWrangler}, nil},
		{"no wrangler file", map[string]string{counter: driftSQLiteObject}, nil},
		{"no wrangler file, kv object", map[string]string{counter: driftKVObject}, []string{"KV_STORAGE app/objects/counter.ts:3"}},
		{"wrangler syntax error", map[string]string{counter: driftSQLiteObject, "wrangler.toml": "name = \"x\"\nmain =\n"},
			[]string{"WRANGLER_CONFIG wrangler.toml:2"}},
		{"wrong shape", map[string]string{counter: driftSQLiteObject, "wrangler.toml": "name = \"x\"\nmigrations = { tag = \"v1\" }\n"},
			[]string{"WRANGLER_CONFIG wrangler.toml:2"}},
		{"ambiguous", map[string]string{counter: driftSQLiteObject, "wrangler.toml": driftCleanWrangler,
			"wrangler.jsonc": `{"name": "x", "durable_objects": {"bindings": [{"name": "COUNTER", "class_name": "Counter"}]}, "migrations": [{"tag": "v1", "new_sqlite_classes": ["Counter"]}]}`},
			[]string{"CONFIG_AMBIGUOUS wrangler.jsonc:1"}},
		{"binding and migration missing", map[string]string{counter: driftSQLiteObject, "wrangler.toml": "name = \"x\"\n"},
			[]string{"BINDING_MISSING app/objects/counter.ts:3", "BINDING_MISSING wrangler.toml:1", "MIGRATION_MISSING app/objects/counter.ts:3", "MIGRATION_MISSING wrangler.toml:1"}},
		{"binding points at another class", map[string]string{counter: driftSQLiteObject, "wrangler.toml": strings.Replace(driftCleanWrangler, `class_name = "Counter"`, `class_name = "Countr"`, 1)},
			[]string{"BINDING_MISMATCH app/objects/counter.ts:3", "BINDING_MISMATCH wrangler.toml:5", "BINDING_ORPHANED wrangler.toml:3"}},
		{"class bound under another name", map[string]string{counter: driftSQLiteObject, "wrangler.toml": strings.Replace(driftCleanWrangler, `name = "COUNTER"`, `name = "CNT"`, 1)},
			[]string{"BINDING_MISMATCH app/objects/counter.ts:3", "BINDING_MISMATCH wrangler.toml:5"}},
		{"orphaned binding and class", map[string]string{counter: driftSQLiteObject, "wrangler.toml": driftCleanWrangler +
			"\n[[durable_objects.bindings]]\nname = \"OLD\"\nclass_name = \"Old\"\n\n[[migrations]]\ntag = \"v2\"\nnew_classes = [\"Old\"]\n"},
			[]string{"BINDING_ORPHANED wrangler.toml:11", "ORPHANED_CLASS wrangler.toml:17"}},
		{"remote binding is not orphaned", map[string]string{counter: driftSQLiteObject, "wrangler.toml": driftCleanWrangler +
			"\n[[durable_objects.bindings]]\nname = \"EXT\"\nclass_name = \"Ext\"\nscript_name = \"other\"\n"}, nil},
		{"storage changed", map[string]string{counter: driftKVObject, "wrangler.toml": driftCleanWrangler},
			[]string{"STORAGE_CHANGED app/objects/counter.ts:3", "STORAGE_CHANGED wrangler.toml:9"}},
		{"kv object not yet created", map[string]string{counter: driftKVObject, "wrangler.toml": "[[durable_objects.bindings]]\nname = \"COUNTER\"\nclass_name = \"Counter\"\n"},
			[]string{"KV_STORAGE app/objects/counter.ts:3", "MIGRATION_MISSING app/objects/counter.ts:3", "MIGRATION_MISSING wrangler.toml:1"}},
		{"kv object already created KV is fine", map[string]string{counter: driftKVObject, "wrangler.toml": strings.Replace(driftCleanWrangler, "new_sqlite_classes", "new_classes", 1)}, nil},
		{"ledger invalid", map[string]string{counter: driftSQLiteObject, "wrangler.toml": driftCleanWrangler + "\n[[migrations]]\ntag = \"v2\"\ndeleted_classes = [\"Nope\"]\n"},
			[]string{"LEDGER_INVALID wrangler.toml:13"}},
		{"env with durable_objects lacks the binding", map[string]string{counter: driftSQLiteObject, "wrangler.toml": driftCleanWrangler + "\n[env.staging.durable_objects]\nbindings = []\n"},
			[]string{"BINDING_MISSING app/objects/counter.ts:3", "BINDING_MISSING wrangler.toml:1"}},
		{"env with its own ledger lacks the class", map[string]string{counter: driftSQLiteObject, "wrangler.toml": driftCleanWrangler +
			"\n[env.staging]\ndurable_objects.bindings = [{ name = \"COUNTER\", class_name = \"Counter\" }]\n\n[[env.staging.migrations]]\ntag = \"s1\"\nnew_classes = [\"Old\"]\n"},
			[]string{"MIGRATION_MISSING app/objects/counter.ts:3", "MIGRATION_MISSING wrangler.toml:14"}},
		{"env without durable_objects lacks the binding", map[string]string{counter: driftSQLiteObject, "wrangler.toml": driftCleanWrangler + "\n[env.preview]\nname = \"x-preview\"\n"},
			[]string{"BINDING_MISSING app/objects/counter.ts:3", "BINDING_MISSING wrangler.toml:1"}},
		{"object with errors gets no binding or migration findings", map[string]string{counter: "import { defineDurableObject } from '@cloudwerk/durable-object'\nexport default defineDurableObject({ sqlite: true })\n", "wrangler.toml": "name = \"x\"\n"}, nil},
		{"object with unknown storage gets no binding or migration findings", map[string]string{counter: "import { defineDurableObject } from '@cloudwerk/durable-object'\nexport default defineDurableObject({ sqlite: process.env.SQLITE === '1', methods: { inc() { return 1 } } })\n", "wrangler.toml": "name = \"x\"\n"}, nil},
		{"hand-written class from cloudwerk.config is not orphaned", map[string]string{counter: driftSQLiteObject,
			"cloudwerk.config.ts": "export default { durableObjects: { CHAT: { class: './workers/chat.ts', className: 'Chat' } } }\n",
			"wrangler.toml":       driftCleanWrangler + "\n[[durable_objects.bindings]]\nname = \"CHAT\"\nclass_name = \"Chat\"\n\n[[migrations]]\ntag = \"v2\"\nnew_classes = [\"Chat\"]\n"}, nil},
		{"hand-written class without its binding", map[string]string{counter: driftSQLiteObject,
			"cloudwerk.config.ts": "export default {\n  durableObjects: { CHAT: { class: './workers/chat.ts', className: 'Chat' } },\n}\n",
			"wrangler.toml":       driftCleanWrangler + "\n[env.preview]\ndurable_objects.bindings = [{ name = \"COUNTER\", class_name = \"Counter\" }, { name = \"CHAT\", class_name = \"Chat\" }]\n"},
			[]string{"BINDING_MISSING cloudwerk.config.ts:2", "BINDING_MISSING wrangler.toml:1"}},
		{"durableObjects not readable: nothing is orphaned", map[string]string{counter: driftSQLiteObject,
			"cloudwerk.config.ts": "import objects from './objects'\nexport default { durableObjects: objects }\n",
			"wrangler.toml":       driftCleanWrangler + "\n[[durable_objects.bindings]]\nname = \"CHAT\"\nclass_name = \"Chat\"\n\n[[migrations]]\ntag = \"v2\"\nnew_classes = [\"Chat\"]\n"}, nil},
		{"exports table", map[string]string{counter: driftSQLiteObject, "wrangler.toml": "[[durable_objects.bindings]]\nname = \"COUNTER\"\nclass_name = \"Counter\"\n\n[exports]\nCounter = { type = \"durable_object\", storage = \"sqlite\" }\n"}, nil},
		{"exports table without the class", map[string]string{counter: driftSQLiteObject, "wrangler.toml": "[[durable_objects.bindings]]\nname = \"COUNTER\"\nclass_name = \"Counter\"\n\n[exports]\n"},
			[]string{"MIGRATION_MISSING app/objects/counter.ts:3", "MIGRATION_MISSING wrangler.toml:1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := loadDriftApp(t, tt.files)
			got := driftKeys(app, wranglerFindings(app))
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

const driftExplicitKVObject = `import { defineDurableObject } from '@cloudwerk/durable-object'

export default defineDurableObject({
  sqlite: false,
  init() { return { n: 0 } },
  methods: { inc() { return 1 } },
})
`

// A new class without `sqlite` is left out by generate, so its missing binding
// and migration offer the storage choice (SQLite first), not the wrangler edit;
// with an explicit `sqlite: false` the wrangler edit records it KV-backed.
func TestDriftFixes(t *testing.T) {
	app := loadDriftApp(t, map[string]string{"app/objects/counter.ts": driftKVObject, "wrangler.toml": "name = \"x\"\n"})
	byCode := map[Code]Diagnostic{}
	for _, d := range wranglerFindings(app) {
		byCode[d.Code] = d
	}
	kv := byCode[KVStorage]
	if len(kv.Fixes) != 1 || len(kv.Fixes[0].Edits) != 1 || kv.Fixes[0].Edits[0].NewText != "\n  sqlite: true," {
		t.Fatalf("KV_STORAGE fixes = %+v", kv.Fixes)
	}
	src, _ := os.ReadFile(kv.Path)
	if e := kv.Fixes[0].Edits[0]; string(src[e.Range.Start.Offset-1]) != "{" {
		t.Errorf("sqlite fix not after the config's '{'")
	}
	for _, code := range []Code{BindingMissing, MigrationMissing} {
		d := byCode[code]
		if len(d.Fixes) != 2 || !d.Fixes[0].Preferred || d.Fixes[0].Edits[0].NewText != "\n  sqlite: true," ||
			d.Fixes[1].Preferred || d.Fixes[1].Edits[0].NewText != "\n  sqlite: false," {
			t.Fatalf("%s fixes = %+v", code, d.Fixes)
		}
	}

	app = loadDriftApp(t, map[string]string{"app/objects/counter.ts": driftExplicitKVObject, "wrangler.toml": "name = \"x\"\n"})
	byCode = map[Code]Diagnostic{}
	for _, d := range wranglerFindings(app) {
		byCode[d.Code] = d
	}
	if _, ok := byCode[KVStorage]; ok {
		t.Error("KV_STORAGE reported for an explicit sqlite: false")
	}
	for _, code := range []Code{BindingMissing, MigrationMissing} {
		d := byCode[code]
		if len(d.Fixes) != 1 || len(d.Fixes[0].Edits) != 1 {
			t.Fatalf("%s fixes = %+v", code, d.Fixes)
		}
		e := d.Fixes[0].Edits[0]
		old, _ := os.ReadFile(e.Path)
		applied := string(old[:e.Range.Start.Offset]) + e.NewText + string(old[e.Range.End.Offset:])
		w := wrangler.Parse(e.Path, []byte(applied))
		if !w.Parsed() || len(w.Bindings) != 1 || len(w.Migrations) != 1 || w.Migrations[0].NewClasses[0].Name != "Counter" {
			t.Errorf("%s fix gives:\n%s", code, applied)
		}
	}
}

func TestOrphanedClassOffersRenameFirst(t *testing.T) {
	app := loadDriftApp(t, map[string]string{"app/objects/counter.ts": driftSQLiteObject,
		"wrangler.toml": "[[durable_objects.bindings]]\nname = \"OLD\"\nclass_name = \"Old\"\n\n[[migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [\"Old\"]\n"})
	var orphan *Diagnostic
	for _, d := range wranglerFindings(app) {
		if d.Code == OrphanedClass {
			orphan = &d
		}
	}
	if orphan == nil || len(orphan.Fixes) != 2 {
		t.Fatalf("orphan = %+v", orphan)
	}
	if !strings.HasPrefix(orphan.Fixes[0].Title, "Record rename Old → Counter") || !orphan.Fixes[0].Preferred {
		t.Errorf("first fix = %+v", orphan.Fixes[0])
	}
	if !strings.Contains(orphan.Fixes[1].Title, "destructive") || orphan.Fixes[1].Preferred {
		t.Errorf("second fix = %+v", orphan.Fixes[1])
	}
	if !strings.Contains(orphan.Fixes[0].Edits[0].NewText, `renamed_classes = [{ from = "Old", to = "Counter" }]`) {
		t.Errorf("rename edit = %q", orphan.Fixes[0].Edits[0].NewText)
	}
	if !strings.Contains(orphan.Message, "destroys") {
		t.Errorf("message = %q", orphan.Message)
	}
}

// The editor gets the mirror on the wrangler file; check reports each drift
// finding once, at the object, with the wrangler place as related information.
func TestCheckReportsMirroredDriftOnce(t *testing.T) {
	app := loadDriftApp(t, map[string]string{"app/objects/counter.ts": driftSQLiteObject, "wrangler.toml": "name = \"x\"\n"})
	all := Analyze(app, Options{})
	mirrors := 0
	for _, d := range all {
		if d.Mirror {
			mirrors++
		}
	}
	if mirrors != 2 {
		t.Fatalf("Analyze mirrors = %d, want 2 (binding and migration on wrangler.toml)", mirrors)
	}
	res, err := RunCheck([]string{app.Root}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := driftKeys(app, res.Diagnostics)
	want := []string{"BINDING_MISSING app/objects/counter.ts:3", "MIGRATION_MISSING app/objects/counter.ts:3"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("check findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
