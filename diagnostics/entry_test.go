package diagnostics

import (
	"os"
	"strings"
	"testing"
)

const entryWrangler = `name = "x"
main = "src/index.ts"

[[durable_objects.bindings]]
name = "COUNTER"
class_name = "Counter"

[[durable_objects.bindings]]
name = "CHAT"
class_name = "Chat"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["Counter", "Chat"]
`

func TestEntryExportMissing(t *testing.T) {
	counter := "app/objects/counter.ts"
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"entry lacks every class", map[string]string{counter: driftSQLiteObject, "wrangler.toml": entryWrangler,
			"src/index.ts": "import { Hono } from 'hono'\n\nexport default { fetch() { return new Response('') } }\n"},
			[]string{"ENTRY_EXPORT_MISSING src/index.ts:2", "ENTRY_EXPORT_MISSING wrangler.toml:2"}},
		{"generated classes re-exported, hand-written one exported", map[string]string{counter: driftSQLiteObject, "wrangler.toml": entryWrangler,
			"cloudwerk.config.ts": "export default { durableObjects: { CHAT: { class: './src/chat.ts', className: 'Chat' } } }\n",
			"src/index.ts":        "export * from '../.cloudwerk/generated/objects'\nexport { Chat } from './chat'\nexport default {}\n",
			"src/chat.ts":         "export class Chat {}\n"}, nil},
		{"a build output is not checked", map[string]string{counter: driftSQLiteObject, ".gitignore": "dist/\n",
			"wrangler.toml": strings.Replace(entryWrangler, "src/index.ts", "dist/index.js", 1), "dist/index.js": "export default {}\n"}, nil},
		{"missing main file is not checked", map[string]string{counter: driftSQLiteObject, "wrangler.toml": entryWrangler}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := loadDriftApp(t, tt.files)
			var got []string
			for _, k := range driftKeys(app, wranglerFindings(app)) {
				if strings.HasPrefix(k, string(EntryExportMissing)) {
					got = append(got, k)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// The quick fix re-exports the generated classes after the imports; the hand-
// written class it cannot provide is still reported after it is applied.
func TestEntryExportMissingFix(t *testing.T) {
	app := loadDriftApp(t, map[string]string{"app/objects/counter.ts": driftSQLiteObject, "wrangler.toml": entryWrangler,
		"src/index.ts": "import { Hono } from 'hono'\n\nexport default { fetch() { return new Response('') } }\n"})
	var diag *Diagnostic
	for _, d := range wranglerFindings(app) {
		if d.Code == EntryExportMissing && !d.Mirror {
			diag = &d
		}
	}
	if diag == nil || !strings.Contains(diag.Message, "does not export durable-object classes Chat, Counter") || len(diag.Fixes) != 1 {
		t.Fatalf("diag = %+v", diag)
	}
	e := diag.Fixes[0].Edits[0]
	if e.NewText != "export * from '../.cloudwerk/generated/objects'\n" {
		t.Errorf("fix text = %q", e.NewText)
	}
	src, _ := os.ReadFile(e.Path)
	fixed := string(src[:e.Range.Start.Offset]) + e.NewText + string(src[e.Range.End.Offset:])
	if !strings.HasPrefix(fixed, "import { Hono } from 'hono'\nexport * from '../.cloudwerk/generated/objects'\n") {
		t.Errorf("fixed entry:\n%s", fixed)
	}
	if err := os.WriteFile(e.Path, []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	app = loadDriftApp(t, map[string]string{"app/objects/counter.ts": driftSQLiteObject, "wrangler.toml": entryWrangler, "src/index.ts": fixed})
	for _, d := range wranglerFindings(app) {
		if d.Code == EntryExportMissing && !d.Mirror && (!strings.Contains(d.Message, "class Chat:") || len(d.Fixes) != 0) {
			t.Errorf("after the fix: %+v", d)
		}
	}
}
