package lsp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/cloudwerk/cloudwerk-lsp/internal/testutil"
)

func TestWatchedFileDeletionClearsDuplicates(t *testing.T) {
	yes := true
	e := newEnv(t, map[string]string{
		"cloudwerk.config.ts":      "export default {}\n",
		"app/objects/chat-room.ts": objectSource(""),
		"app/objects/chatRoom.ts":  objectSource(""),
	})
	e.initialize(protocol.ClientCapabilities{Workspace: &protocol.WorkspaceClientCapabilities{
		DidChangeWatchedFiles: &protocol.DidChangeWatchedFilesClientCapabilities{DynamicRegistration: &yes}}})
	e.client.waitFor(t, "a watched-files registration", func() bool {
		return len(e.client.registers) == 1 && e.client.registers[0].Method == protocol.MethodWorkspaceDidChangeWatchedFiles
	})
	e.client.waitDiags(t, e.uri("app/objects/chatRoom.ts"), -1, hasCode("DUPLICATE_NAME"))
	e.client.waitDiags(t, e.uri("app/objects/chat-room.ts"), -1, hasCode("DUPLICATE_NAME"))

	if err := os.Remove(filepath.Join(e.root, "app/objects/chatRoom.ts")); err != nil {
		t.Fatal(err)
	}
	if err := e.server.DidChangeWatchedFiles(e.ctx, &protocol.DidChangeWatchedFilesParams{Changes: []protocol.FileEvent{
		{URI: e.uri("app/objects/chatRoom.ts"), Type: protocol.FileChangeTypeDeleted}}}); err != nil {
		t.Fatal(err)
	}
	empty := func(ds []protocol.Diagnostic) bool { return ds != nil && len(ds) == 0 }
	e.client.waitDiags(t, e.uri("app/objects/chatRoom.ts"), -1, empty)
	e.client.waitDiags(t, e.uri("app/objects/chat-room.ts"), -1, lacksCode("DUPLICATE_NAME"))
}

func TestOwnWatcherSeesFilesCreatedOnDisk(t *testing.T) {
	e := newEnv(t, map[string]string{
		"cloudwerk.config.ts":      "export default {}\n",
		"app/objects/chat-room.ts": objectSource(""),
	})
	e.conn.s.opts.NoFileWatcher = false
	e.initialize(protocol.ClientCapabilities{})
	e.client.waitFor(t, "the server's own watcher", e.conn.s.watching.Load)
	// Wait for the scan, then create a duplicate with no editor action.
	e.client.waitFor(t, "the initial scan", func() bool { return len(e.conn.s.snap.Load().apps) == 1 })
	testutil.WriteFiles(t, e.root, map[string]string{"app/objects/chatRoom.ts": objectSource("")})
	e.client.waitDiags(t, e.uri("app/objects/chat-room.ts"), -1, hasCode("DUPLICATE_NAME"))
}

func TestWillRenameFilesRecordsRenamedClasses(t *testing.T) {
	e := newEnv(t, map[string]string{
		"cloudwerk.config.ts":    "export default {}\n",
		"wrangler.toml":          testutil.CounterWrangler,
		"app/objects/counter.ts": objectSource(""),
	})
	e.initialize(protocol.ClientCapabilities{})
	e.client.waitFor(t, "the initial scan", func() bool { return len(e.conn.s.snap.Load().apps) == 1 })
	edit, err := e.server.WillRenameFiles(e.ctx, &protocol.RenameFilesParams{Files: []protocol.FileRename{{
		OldURI: string(e.uri("app/objects/counter.ts")), NewURI: string(e.uri("app/objects/tally.ts"))}}})
	if err != nil || edit == nil {
		t.Fatalf("willRenameFiles = %v, %v", edit, err)
	}
	edits := edit.Changes[e.uri("wrangler.toml")]
	if len(edits) != 1 {
		t.Fatalf("edits = %+v", edit)
	}
	got := edits[0].NewText
	for _, want := range []string{"renamed_classes", `from = "Counter"`, `to = "Tally"`, `tag = "v1"`} {
		if !strings.Contains(got, want) {
			t.Errorf("new wrangler.toml lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "deleted_classes") {
		t.Errorf("a rename must never delete a class:\n%s", got)
	}
}

func TestGenerateSourceActionCreatesFiles(t *testing.T) {
	e := newEnv(t, map[string]string{
		"cloudwerk.config.ts":    "export default {}\n",
		"wrangler.toml":          testutil.CounterWrangler,
		"app/objects/counter.ts": objectSource(""),
	})
	e.initialize(resourceCaps())
	e.open("app/objects/counter.ts", 1)
	e.client.waitDiags(t, e.uri("app/objects/counter.ts"), 1, nil)
	acts, err := e.server.CodeAction(e.ctx, &protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: e.uri("app/objects/counter.ts")},
		Context:      protocol.CodeActionContext{Only: []protocol.CodeActionKind{protocol.CodeActionKindSource}},
	})
	if err != nil || len(acts) != 1 {
		t.Fatalf("source actions = %+v, %v", acts, err)
	}
	act := acts[0].(*protocol.CodeAction)
	if act.Edit == nil {
		t.Fatalf("generate action has no edit: %+v", act)
	}
	creates := 0
	for _, c := range act.Edit.DocumentChanges {
		if _, ok := c.(*protocol.CreateFile); ok {
			creates++
		}
	}
	if creates == 0 {
		t.Fatalf("no CreateFile in %+v", act.Edit.DocumentChanges)
	}

	// Without resource operations the same action is the server command,
	// which writes the files itself.
	e2 := newEnv(t, map[string]string{"cloudwerk.config.ts": "export default {}\n", "wrangler.toml": testutil.CounterWrangler, "app/objects/counter.ts": objectSource("")})
	e2.initialize(protocol.ClientCapabilities{})
	e2.client.waitFor(t, "the initial scan", func() bool { return len(e2.conn.s.snap.Load().apps) == 1 })
	acts, err = e2.server.CodeAction(e2.ctx, &protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: e2.uri("app/objects/counter.ts")},
		Context:      protocol.CodeActionContext{Only: []protocol.CodeActionKind{codeActionKindGenerate}},
	})
	if err != nil || len(acts) != 1 {
		t.Fatalf("source actions = %+v, %v", acts, err)
	}
	cmd := acts[0].(*protocol.CodeAction).Command
	if _, err := e2.server.ExecuteCommand(e2.ctx, &protocol.ExecuteCommandParams{Command: cmd.Command, Arguments: cmd.Arguments}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(e2.root, ".cloudwerk", "types", "durable-objects.d.ts")); err != nil {
		t.Fatalf("generate wrote no types: %v", err)
	}
}
