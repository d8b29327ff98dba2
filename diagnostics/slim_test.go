package diagnostics

import (
	"path/filepath"
	"reflect"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/codegen"
	"github.com/cloudwerk/cloudwerk-lsp/internal/testutil"
)

// slimApp holds the objects whose per-file findings depend on the rest of the
// app, next to ordinary ones: a bad file name whose rename target is taken,
// SQL in a class wrangler.toml created KV-backed, SQL in a new KV class.
const slimApp = `-- cloudwerk.config.ts --
export default {}
-- wrangler.toml --
name = "x"
main = "src/index.ts"

[[durable_objects.bindings]]
name = "NOTES"
class_name = "Notes"

[[migrations]]
tag = "v1"
new_classes = ["Notes"]
-- app/objects/ChatRoom.ts --
import { defineDurableObject } from '@cloudwerk/durable-object'
export default defineDurableObject({ init() { return {} }, methods: { hi() { return this.state } } })
-- app/objects/chat-room.ts --
import { defineDurableObject } from '@cloudwerk/durable-object'
export default defineDurableObject({ init() { return {} }, methods: { hi() { return 1 } } })
-- app/objects/Other_Room.ts --
import { defineDurableObject } from '@cloudwerk/durable-object'
export default defineDurableObject({ methods: { hi() { return 1 } } })
-- app/objects/notes.ts --
import { defineDurableObject } from '@cloudwerk/durable-object'
export default defineDurableObject({
  init(ctx) { ctx.sql.exec('CREATE TABLE t (x)'); return {} },
  methods: { add() { this.ctx.sql.exec('INSERT INTO t VALUES (1)') } },
})
-- app/objects/fresh.ts --
import { defineDurableObject } from '@cloudwerk/durable-object'
export default defineDurableObject({
  sqlite: false,
  methods: { add() { this.ctx.sql.exec('INSERT INTO t VALUES (1)'); this.ctx.storage.sql.run('x') } },
})
-- app/objects/bare.ts --
export default defineDurableObject({ init() { return {} }, methods: { hi() { return this.state } } })
-- app/objects/counter.ts --
import { defineDurableObject } from '@cloudwerk/durable-object'
export default defineDurableObject({
  sqlite: true,
  init(ctx) { ctx.sql.exec('CREATE TABLE IF NOT EXISTS t (x)'); return { n: 0 } },
  methods: {
    inc(ctx, by: number) { ctx.state.n += by; this.ctx.sql.prepare('x'); return this.state.n },
    get: () => this.state,
  },
})
`

// TestCheckSlimEqualsFull: check runs the per-file object rules in the
// extraction workers and keeps slim definitions; its findings must be exactly
// those of the rules run on the fully loaded app, cold and warm, with the
// cache on or off.
func TestCheckSlimEqualsFull(t *testing.T) {
	apps := map[string]string{"examples/demo-app": filepath.Join(origDir, "..", "examples", "demo-app")}
	archives, _ := filepath.Glob(filepath.Join(origDir, "testdata", "check", "*.txtar"))
	corpus, _ := filepath.Glob(filepath.Join(origDir, "testdata", "corpus", "*.txtar"))
	for _, file := range append(archives, corpus...) {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		writeArchive(t, ar, dir)
		apps[filepath.Base(file)] = dir
	}
	dir := t.TempDir()
	writeArchive(t, txtar.Parse([]byte(slimApp)), dir)
	apps["slimApp"] = dir

	for name, root := range apps {
		for _, cache := range []string{"off", t.TempDir()} {
			t.Setenv(analysis.CacheEnv, cache)
			want := fullFindings(t, root)
			samePlan(t, name, root) // generate loads slim too (its ledger gate runs these rules)
			for _, run := range []string{"cold", "warm"} {
				res, err := RunCheck([]string{root}, Options{})
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(res.Diagnostics, want) {
					t.Errorf("%s (cache %s, %s): check's findings differ from the rules on the full app:\n got %v\nwant %v", name, cache, run, res.Diagnostics, want)
				}
				if cache == "off" {
					break
				}
			}
		}
	}
}

// samePlan: generate's plan (every target, the ledger gate included) of the
// slim app equals the plan of the full app.
func samePlan(t *testing.T, name, root string) {
	t.Helper()
	full, err := analysis.LoadApp(root)
	if err != nil {
		t.Fatal(err)
	}
	slim, err := analysis.LoadAppWith(root, analysis.LoadOptions{Slim: SlimDefinition})
	if err != nil {
		t.Fatal(err)
	}
	want, werr := codegen.Plan(full, codegen.Options{})
	got, gerr := codegen.Plan(slim, codegen.Options{})
	if !reflect.DeepEqual(got, want) || (gerr == nil) != (werr == nil) {
		t.Errorf("%s: generate's plan of the slim app differs from the full app's (errors %v / %v)", name, gerr, werr)
	}
	wm, gm := codegen.ManagedObjects(full), codegen.ManagedObjects(slim)
	if !reflect.DeepEqual(gm, wm) {
		t.Errorf("%s: the ledger gate differs on the slim app:\n got %+v\nwant %+v", name, gm, wm)
	}
}

// fullFindings is what RunCheck reports for root, computed on the full app.
func fullFindings(t *testing.T, root string) []Diagnostic {
	t.Helper()
	app, err := analysis.LoadApp(root)
	if err != nil {
		t.Fatal(err)
	}
	out := []Diagnostic{}
	for _, d := range Analyze(app, Options{}) {
		if !d.Mirror {
			out = append(out, d)
		}
	}
	Sort(out)
	return out
}

// TestSlimDefinition: an ordinary object is slimmed (its uses dropped, its
// findings filed); one whose findings need the app keeps its full definition.
func TestSlimDefinition(t *testing.T) {
	t.Setenv(analysis.CacheEnv, "off")
	dir := t.TempDir()
	testutil.WriteArchive(t, dir, txtar.Parse([]byte(slimApp)), nil)
	app, err := analysis.LoadAppWith(dir, analysis.LoadOptions{Slim: SlimDefinition})
	if err != nil {
		t.Fatal(err)
	}
	full, err := analysis.LoadApp(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Bad names with a rename fix (it needs the other names), SQL in a KV class
	// (the wrangler file may have created it).
	wantFull := map[string]bool{"ChatRoom.ts": true, "Other_Room.ts": true, "notes.ts": true, "fresh.ts": true}
	for i, e := range app.Manifest.Entries {
		f := full.Manifest.Entries[i]
		_, filed := slimFindings(e.Def)
		base := filepath.Base(e.Path)
		switch {
		case wantFull[base]:
			if filed || !reflect.DeepEqual(e.Def, f.Def) {
				t.Errorf("%s: slimmed, but its findings depend on the app", base)
			}
		case !filed || e.Def.ContextUses != nil || e.Def.ParamUses != nil:
			t.Errorf("%s: not slimmed", base)
		default:
			slim := *f.Def
			slim.ContextUses, slim.ParamUses = nil, nil
			slim.SetRuleMemo(e.Def.RuleMemo())
			if !reflect.DeepEqual(*e.Def, slim) {
				t.Errorf("%s: the slim definition lost more than the uses", base)
			}
			if got, want := ObjectFindings(app, e), ObjectFindings(full, f); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: filed findings differ:\n got %v\nwant %v", base, got, want)
			}
			if again := SlimDefinition(e); again != e.Def {
				t.Errorf("%s: slimming a slim definition copied it", base)
			}
		}
	}
}
