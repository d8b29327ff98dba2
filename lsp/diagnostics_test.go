package lsp

import (
	"testing"

	"go.lsp.dev/protocol"

	"github.com/cloudwerk/cloudwerk-lsp/internal/testutil"
)

func TestDuplicateMarksEveryFileAndFixingOneClearsBoth(t *testing.T) {
	e := newEnv(t, map[string]string{
		"cloudwerk.config.ts":      "export default {}\n",
		"app/objects/chat-room.ts": objectSource(""),
		"app/objects/chatRoom.ts":  objectSource(""),
		"app/objects/counter.ts":   objectSource(""),
	})
	e.initialize(protocol.ClientCapabilities{})
	text := e.open("app/objects/chat-room.ts", 1)
	got := e.client.waitDiags(t, e.uri("app/objects/chat-room.ts"), 1, hasCode("DUPLICATE_NAME"))
	if len(got[0].RelatedInformation) == 0 {
		t.Errorf("duplicate has no related information: %+v", got)
	}
	// The other file is closed: its diagnostics come from disk, unversioned.
	e.client.waitDiags(t, e.uri("app/objects/chatRoom.ts"), -1, hasCode("DUPLICATE_NAME"))

	// An explicit name makes chat-room.ts a different object: both clear.
	e.edit("app/objects/chat-room.ts", 2, &text, "sqlite: true,", "name: 'lobby',\n  sqlite: true,")
	e.client.waitDiags(t, e.uri("app/objects/chat-room.ts"), 2, lacksCode("DUPLICATE_NAME"))
	e.client.waitDiags(t, e.uri("app/objects/chatRoom.ts"), -1, lacksCode("DUPLICATE_NAME"))
}

func TestSeveralAppsInOneFolderAndSeverityOverrides(t *testing.T) {
	e := newEnv(t, map[string]string{
		"shop/cloudwerk.config.ts":        "export default {}\n",
		"shop/app/objects/chat_room.ts":   objectSource(""),
		"admin/cloudwerk.config.ts":       "export default {}\n",
		"admin/app/objects/Counter.ts":    objectSource(""),
		"admin/app/objects/counter.ts":    objectSource(""),
		"node_modules/x/app/objects/a.ts": objectSource(""),
	})
	params := &protocol.InitializeParams{InitializationOptions: []byte(`{"severity":{"INVALID_NAME":"warning"}}`)}
	params.WorkspaceFolders = protocol.NewNullable([]protocol.WorkspaceFolder{{URI: e.uri(""), Name: "root"}})
	if _, err := e.server.Initialize(e.ctx, params); err != nil {
		t.Fatal(err)
	}
	if err := e.server.Initialized(e.ctx, &protocol.InitializedParams{}); err != nil {
		t.Fatal(err)
	}
	got := e.client.waitDiags(t, e.uri("shop/app/objects/chat_room.ts"), -1, hasCode("INVALID_NAME"))
	if got[0].Severity != protocol.DiagnosticSeverityWarning {
		t.Errorf("INVALID_NAME severity = %v, want the overridden warning", got[0].Severity)
	}
	e.client.waitDiags(t, e.uri("admin/app/objects/Counter.ts"), -1, hasCode("INVALID_NAME"))
	if n := len(e.conn.s.snap.Load().apps); n != 2 {
		t.Fatalf("apps = %d, want 2 (node_modules is skipped)", n)
	}
}

// Config drift lands on the wrangler file too (as a mirror of the object's
// finding), and adding the binding clears both.
func TestDriftLandsOnTheWranglerFileToo(t *testing.T) {
	e := newEnv(t, map[string]string{
		"cloudwerk.config.ts":    "export default {}\n",
		"app/objects/counter.ts": objectSource(""),
		"wrangler.toml":          "name = \"x\"\n\n[[migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [\"Counter\"]\n",
	})
	e.initialize(protocol.ClientCapabilities{})
	e.client.waitDiags(t, e.uri("app/objects/counter.ts"), -1, hasCode("BINDING_MISSING"))
	got := e.client.waitDiags(t, e.uri("wrangler.toml"), -1, hasCode("BINDING_MISSING"))
	if len(got[0].RelatedInformation) == 0 || got[0].RelatedInformation[0].Location.URI != e.uri("app/objects/counter.ts") {
		t.Errorf("wrangler-side finding should point back at the object: %+v", got[0].RelatedInformation)
	}

	testutil.WriteFiles(t, e.root, map[string]string{"wrangler.toml": "name = \"x\"\n\n[[durable_objects.bindings]]\nname = \"COUNTER\"\nclass_name = \"Counter\"\n\n[[migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [\"Counter\"]\n"})
	if err := e.server.DidChangeWatchedFiles(e.ctx, &protocol.DidChangeWatchedFilesParams{Changes: []protocol.FileEvent{
		{URI: e.uri("wrangler.toml"), Type: protocol.FileChangeTypeChanged}}}); err != nil {
		t.Fatal(err)
	}
	e.client.waitDiags(t, e.uri("wrangler.toml"), -1, lacksCode("BINDING_MISSING"))
	e.client.waitDiags(t, e.uri("app/objects/counter.ts"), -1, lacksCode("BINDING_MISSING"))
}
