package lsp

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/cloudwerk/cloudwerk-lsp/internal/testutil"
)

// copyTree copies the demo app so the test never touches the repository.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if info.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestStdioBinary builds the real binary and drives initialize, didOpen,
// diagnostics, shutdown and exit through its stdin/stdout on a copy of the demo app.
func TestStdioBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	_, file, _, _ := runtime.Caller(0)
	repo := filepath.Dir(filepath.Dir(file))
	bin := filepath.Join(t.TempDir(), "cloudwerk-lsp")
	build := exec.Command("go", "build", "-o", bin, "./cmd/cloudwerk-lsp")
	build.Dir = repo
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	root, _ := filepath.EvalSymlinks(t.TempDir())
	copyTree(t, filepath.Join(repo, "examples", "demo-app"), root)
	// A second object named like chat-room.ts gives a duplicate to diagnose.
	dup := filepath.Join(root, "app", "objects", "chatRoom.ts")
	testutil.WriteFiles(t, root, map[string]string{"app/objects/chatRoom.ts": objectSource("")})

	cmd := exec.Command(bin, "serve", "--log-level", "debug")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	ctx := context.Background()
	tc := newTestClient()
	cctx, cconn, server := newOrderedClient(ctx, tc, jsonrpc2.NewStream(pipeRW{stdout, stdin}))
	defer cconn.Close()
	params := &protocol.InitializeParams{}
	params.WorkspaceFolders = protocol.NewNullable([]protocol.WorkspaceFolder{{URI: uri.File(root), Name: "demo"}})
	if _, err := server.Initialize(cctx, params); err != nil {
		t.Fatal(err)
	}
	if err := server.Initialized(cctx, &protocol.InitializedParams{}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(dup)
	if err := server.DidOpen(cctx, &protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
		URI: uri.File(dup), LanguageID: "typescript", Version: 1, Text: string(data)}}); err != nil {
		t.Fatal(err)
	}
	tc.waitDiags(t, uri.File(dup), 1, hasCode("DUPLICATE_NAME"))
	tc.waitDiags(t, uri.File(filepath.Join(root, "app", "objects", "chat-room.ts")), -1, hasCode("DUPLICATE_NAME"))
	// Wrangler drift from the same rules `check` runs, on a closed file.
	tc.waitDiags(t, uri.File(filepath.Join(root, "app", "objects", "rate-limiter.ts")), -1, hasCode("BINDING_MISSING"))
	exerciseFeaturesOnDemo(t, cctx, server, tc, root)
	if err := server.Shutdown(cctx); err != nil {
		t.Fatal(err)
	}
	if err := server.Exit(cctx); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("server exit: %v (want code 0)", err)
	}
}

// exerciseFeaturesOnDemo drives the navigation and editing features through the
// binary on the demo app's own files: hover, definition, completion, code lens,
// symbols, quick fixes, the generate source action and willRenameFiles.
func exerciseFeaturesOnDemo(t *testing.T, ctx context.Context, server protocol.Server, tc *testClient, root string) {
	t.Helper()
	file := func(rel string) (uri.URI, string) {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		return uri.File(filepath.Join(root, filepath.FromSlash(rel))), string(data)
	}
	at := func(u uri.URI, text, needle string, delta int) protocol.TextDocumentPositionParams {
		i := strings.Index(text, needle)
		if i < 0 {
			t.Fatalf("%q not in %s", needle, u)
		}
		return protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}, Position: positionAt(text, i+delta)}
	}
	route, rtext := file("app/routes/api/counter/[id]/route.ts")
	counter, ctext := file("app/objects/counter.ts")

	h, err := server.Hover(ctx, &protocol.HoverParams{TextDocumentPositionParams: at(route, rtext, "Counter.get(id)", 1)})
	if err != nil || h == nil {
		t.Fatalf("hover = %v, %v", h, err)
	}
	md := h.Contents.(*protocol.MarkupContent).Value
	for _, want := range []string{"COUNTER", "SQLite", "migrated v1", "increment"} {
		if !strings.Contains(md, want) {
			t.Errorf("hover on durableObjects.Counter lacks %q:\n%s", want, md)
		}
	}

	def, err := server.Definition(ctx, &protocol.DefinitionParams{TextDocumentPositionParams: at(route, rtext, "increment(5)", 1)})
	if loc, ok := def.(*protocol.Location); err != nil || !ok || loc.URI != counter ||
		int(loc.Range.Start.Line) != strings.Count(ctext[:strings.Index(ctext, "async increment")], "\n") {
		t.Fatalf("definition of counter.increment = %#v, %v", def, err)
	}

	comp, err := server.Completion(ctx, &protocol.CompletionParams{TextDocumentPositionParams: at(route, rtext, "increment(5)", 0)})
	var labels []string
	if items, ok := comp.(protocol.CompletionItemSlice); ok {
		for _, it := range items {
			labels = append(labels, it.Label)
		}
	}
	if err != nil || strings.Join(labels, ",") != "increment,getValue,reset" {
		t.Fatalf("stub method completion = %v, %v", labels, err)
	}

	lenses, err := server.CodeLens(ctx, &protocol.CodeLensParams{TextDocument: protocol.TextDocumentIdentifier{URI: counter}})
	if err != nil || len(lenses) != 1 || lenses[0].Command.Title != "COUNTER · SQLite · 3 methods · migrated v1" {
		t.Fatalf("code lens = %+v, %v", lenses, err)
	}
	docSyms, err := server.DocumentSymbol(ctx, &protocol.DocumentSymbolParams{TextDocument: protocol.TextDocumentIdentifier{URI: counter}})
	if err != nil || docSyms == nil {
		t.Fatalf("document symbols = %v, %v", docSyms, err)
	}
	if _, err := server.Symbols(ctx, &protocol.WorkspaceSymbolParams{Query: "topEvents"}); err != nil {
		t.Fatalf("workspace symbols: %v", err)
	}

	// The KV rate limiter has a preferred quick fix that adds sqlite: true.
	limiter, _ := file("app/objects/rate-limiter.ts")
	diags := tc.waitDiags(t, limiter, -1, hasCode("KV_STORAGE"))
	acts, err := server.CodeAction(ctx, &protocol.CodeActionParams{TextDocument: protocol.TextDocumentIdentifier{URI: limiter},
		Range: diags[0].Range, Context: protocol.CodeActionContext{Diagnostics: diags}})
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, a := range acts {
		if ca, ok := a.(*protocol.CodeAction); ok {
			titles = append(titles, ca.Title)
		}
	}
	all := strings.Join(titles, " | ")
	if !strings.Contains(all, "sqlite: true") {
		t.Errorf("code actions on rate-limiter.ts lack the sqlite fix: %s", all)
	}
	src, err := server.CodeAction(ctx, &protocol.CodeActionParams{TextDocument: protocol.TextDocumentIdentifier{URI: counter},
		Context: protocol.CodeActionContext{Only: []protocol.CodeActionKind{"source.cloudwerk.generate"}}})
	if err != nil || len(src) == 0 {
		t.Fatalf("generate source action = %v, %v", src, err)
	}

	edit, err := server.WillRenameFiles(ctx, &protocol.RenameFilesParams{Files: []protocol.FileRename{{
		OldURI: string(counter), NewURI: string(uri.File(filepath.Join(root, "app", "objects", "tally.ts")))}}})
	if err != nil || edit == nil {
		t.Fatalf("willRenameFiles = %v, %v", edit, err)
	}
	var newText string
	for _, es := range edit.Changes {
		for _, e := range es {
			newText += e.NewText
		}
	}
	if !strings.Contains(newText, "renamed_classes") || strings.Contains(newText, "deleted_classes") {
		t.Errorf("rename edit should record renamed_classes and never delete:\n%s", newText)
	}
}

// pipeRW joins the child's stdout and stdin.
type pipeRW struct {
	r io.ReadCloser
	w io.WriteCloser
}

func (p pipeRW) Read(b []byte) (int, error)  { return p.r.Read(b) }
func (p pipeRW) Write(b []byte) (int, error) { return p.w.Write(b) }
func (p pipeRW) Close() error                { _ = p.w.Close(); return p.r.Close() }
