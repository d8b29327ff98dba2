package lsp

import (
	"context"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/cloudwerk/cloudwerk-lsp/internal/testutil"
)

func (c *testClient) CodeLensRefresh(ctx context.Context) error {
	c.record(func() { c.lensRefreshes++ })
	return nil
}

func (e *env) lensTitle(rel string) string {
	e.t.Helper()
	lenses, err := e.server.CodeLens(e.ctx, &protocol.CodeLensParams{TextDocument: protocol.TextDocumentIdentifier{URI: e.uri(rel)}})
	if err != nil || len(lenses) != 1 {
		e.t.Fatalf("code lens of %s = %+v, %v", rel, lenses, err)
	}
	return lenses[0].Command.Title
}

// After wrangler.toml gains the migration, a client that supports it is asked to
// refresh its code lenses (the object file's lens reads the ledger); one that
// does not is never sent the request.
func TestCodeLensRefreshAfterTheLedgerChanges(t *testing.T) {
	for _, supported := range []bool{true, false} {
		t.Run(map[bool]string{true: "supported", false: "not supported"}[supported], func(t *testing.T) {
			e := newEnv(t, map[string]string{
				"cloudwerk.config.ts":    "export default {}\n",
				"app/objects/counter.ts": objectSource(""),
				"wrangler.toml":          "name = \"x\"\n\n[[durable_objects.bindings]]\nname = \"COUNTER\"\nclass_name = \"Counter\"\n",
			})
			e.initialize(protocol.ClientCapabilities{Workspace: &protocol.WorkspaceClientCapabilities{
				CodeLens: &protocol.CodeLensWorkspaceClientCapabilities{RefreshSupport: &supported}}})
			e.open("app/objects/counter.ts", 1)
			e.client.waitDiags(t, e.uri("app/objects/counter.ts"), 1, hasCode("MIGRATION_MISSING"))
			if got, want := e.lensTitle("app/objects/counter.ts"), "COUNTER · SQLite · 1 method · not migrated yet"; got != want {
				t.Fatalf("lens before = %q, want %q", got, want)
			}
			e.client.mu.Lock()
			before := e.client.lensRefreshes
			e.client.mu.Unlock()

			testutil.WriteFiles(t, e.root, map[string]string{"wrangler.toml": "name = \"x\"\n\n[[durable_objects.bindings]]\nname = \"COUNTER\"\nclass_name = \"Counter\"\n\n[[migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [\"Counter\"]\n"})
			if err := e.server.DidChangeWatchedFiles(e.ctx, &protocol.DidChangeWatchedFilesParams{Changes: []protocol.FileEvent{
				{URI: e.uri("wrangler.toml"), Type: protocol.FileChangeTypeChanged}}}); err != nil {
				t.Fatal(err)
			}
			e.client.waitDiags(t, e.uri("app/objects/counter.ts"), 1, lacksCode("MIGRATION_MISSING"))
			if supported {
				e.client.waitFor(t, "workspace/codeLens/refresh", func() bool { return e.client.lensRefreshes > before })
			} else {
				e.client.mu.Lock()
				n := e.client.lensRefreshes
				e.client.mu.Unlock()
				if n != 0 {
					t.Fatalf("%d codeLens/refresh requests sent to a client without refreshSupport", n)
				}
			}
			// What the client then asks for reads the new ledger.
			if got, want := e.lensTitle("app/objects/counter.ts"), "COUNTER · SQLite · 1 method · migrated v1"; got != want {
				t.Fatalf("lens after = %q, want %q", got, want)
			}
		})
	}
}
