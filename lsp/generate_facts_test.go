package lsp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

// The server's generate command follows the CLI's rule: an object whose
// definition throws at load and a new class without `sqlite` get no binding and
// no migration (the result names them), every environment gets the bindings, and
// the fixes on the left-out class offer `sqlite: true` first.
func TestGenerateCommandRecordsOnlyFacts(t *testing.T) {
	e := newEnv(t, map[string]string{
		"cloudwerk.config.ts":    "export default {}\n",
		"wrangler.toml":          "name = \"x\"\nmain = \"worker.ts\"\n\n[env.preview]\nname = \"x-preview\"\n",
		"worker.ts":              "export * from './.cloudwerk/generated/objects'\nexport default {}\n",
		"app/objects/counter.ts": objectSource(""),
		"app/objects/broken.ts":  "import { defineDurableObject } from '@cloudwerk/durable-object'\nexport default defineDurableObject({ sqlite: true, init() { return {} } })\n",
		"app/objects/limiter.ts": strings.Replace(objectSource(""), "  sqlite: true,\n", "", 1),
	})
	e.initialize(resourceCaps())
	e.client.waitFor(t, "the initial scan", func() bool { return len(e.conn.s.snap.Load().apps) == 1 })

	arg, _ := json.Marshal(e.root)
	res, err := e.server.ExecuteCommand(e.ctx, &protocol.ExecuteCommandParams{Command: "cloudwerk.generate", Arguments: []protocol.LSPAny{arg}})
	if err != nil {
		t.Fatal(err)
	}
	var msg string
	_ = json.Unmarshal(res, &msg)
	if !strings.Contains(msg, "not bound or migrated (see their diagnostics): Broken, Limiter") {
		t.Errorf("generate result = %q", msg)
	}
	data, _ := os.ReadFile(filepath.Join(e.root, "wrangler.toml"))
	w := string(data)
	if strings.Count(w, `name = "COUNTER"`) != 2 || !strings.Contains(w, "[[env.preview.durable_objects.bindings]]") ||
		strings.Contains(w, "Broken") || strings.Contains(w, "Limiter") || !strings.Contains(w, `new_sqlite_classes = ["Counter"]`) {
		t.Fatalf("wrangler.toml after generate:\n%s", w)
	}

	e.open("app/objects/limiter.ts", 1)
	diags := e.client.waitDiags(t, e.uri("app/objects/limiter.ts"), 1, hasCode("MIGRATION_MISSING"))
	var missing []protocol.Diagnostic
	for _, d := range diags {
		if c, _ := d.Code.(protocol.String); c == "MIGRATION_MISSING" {
			missing = append(missing, d)
		}
	}
	acts, err := e.server.CodeAction(e.ctx, &protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: e.uri("app/objects/limiter.ts")},
		Range:        missing[0].Range,
		Context:      protocol.CodeActionContext{Diagnostics: missing},
	})
	if err != nil || len(acts) < 2 {
		t.Fatalf("code actions = %+v, %v", acts, err)
	}
	first := acts[0].(*protocol.CodeAction)
	if first.Title != "Use SQLite storage (sqlite: true)" || first.IsPreferred == nil || !*first.IsPreferred {
		t.Errorf("first fix = %q (preferred %v), want sqlite: true", first.Title, first.IsPreferred)
	}
	if !strings.Contains(acts[1].(*protocol.CodeAction).Title, "sqlite: false") {
		t.Errorf("second fix = %q, want the explicit KV choice", acts[1].(*protocol.CodeAction).Title)
	}
}

// ENTRY_EXPORT_MISSING lands on the Worker entry and goes away when the entry,
// changed on disk, re-exports the generated classes.
func TestEntryExportMissingFollowsTheEntry(t *testing.T) {
	e := newEnv(t, map[string]string{
		"cloudwerk.config.ts":    "export default {}\n",
		"wrangler.toml":          "name = \"x\"\nmain = \"src/index.ts\"\n\n[[durable_objects.bindings]]\nname = \"COUNTER\"\nclass_name = \"Counter\"\n\n[[migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [\"Counter\"]\n",
		"src/index.ts":           "export default {}\n",
		"app/objects/counter.ts": objectSource(""),
	})
	e.initialize(resourceCaps())
	entry := e.uri("src/index.ts")
	e.client.waitDiags(t, entry, -1, hasCode("ENTRY_EXPORT_MISSING"))

	fixed := "export * from '../.cloudwerk/generated/objects'\nexport default {}\n"
	if err := os.WriteFile(filepath.Join(e.root, "src", "index.ts"), []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := e.server.DidChangeWatchedFiles(e.ctx, &protocol.DidChangeWatchedFilesParams{Changes: []protocol.FileEvent{{URI: entry, Type: protocol.FileChangeTypeChanged}}}); err != nil {
		t.Fatal(err)
	}
	e.client.waitDiags(t, entry, -1, func(ds []protocol.Diagnostic) bool { return !hasCode("ENTRY_EXPORT_MISSING")(ds) })
}

// Findings on one line that share a fix (KV_STORAGE, MIGRATION_MISSING and
// BINDING_MISSING are all fixed by `sqlite: true` first) get that fix once in
// the menu, covering each of them.
func TestSharedQuickFixOfferedOnce(t *testing.T) {
	e := newEnv(t, map[string]string{
		"cloudwerk.config.ts": "export default {}\n",
		"wrangler.toml":       "name = \"x\"\n",
		"app/objects/limiter.ts": "import { defineDurableObject } from '@cloudwerk/durable-object'\n" +
			"export default defineDurableObject({ methods: { hit() { return 1 } } })\n",
	})
	e.initialize(resourceCaps())
	u := e.uri("app/objects/limiter.ts")
	e.open("app/objects/limiter.ts", 1)
	diags := e.client.waitDiags(t, u, 1, func(ds []protocol.Diagnostic) bool {
		return hasCode("KV_STORAGE")(ds) && hasCode("MIGRATION_MISSING")(ds)
	})
	acts, err := e.server.CodeAction(e.ctx, &protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: u},
		Range:        diags[0].Range,
		Context:      protocol.CodeActionContext{Diagnostics: diags},
	})
	if err != nil {
		t.Fatal(err)
	}
	titles := map[string]int{}
	covered := 0
	for _, a := range acts {
		ca := a.(*protocol.CodeAction)
		titles[ca.Title]++
		if ca.Title == "Use SQLite storage (sqlite: true)" {
			covered = len(ca.Diagnostics)
		}
	}
	for title, n := range titles {
		if n > 1 {
			t.Errorf("%q offered %d times: %v", title, n, titles)
		}
	}
	if covered < 2 {
		t.Errorf("the shared sqlite fix covers %d findings, want every finding it fixes (%v)", covered, titles)
	}
}
