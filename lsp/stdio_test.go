package lsp

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
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
	writeFiles(t, root, map[string]string{"app/objects/chatRoom.ts": objectSource("")})

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

// pipeRW joins the child's stdout and stdin.
type pipeRW struct {
	r io.ReadCloser
	w io.WriteCloser
}

func (p pipeRW) Read(b []byte) (int, error)  { return p.r.Read(b) }
func (p pipeRW) Write(b []byte) (int, error) { return p.w.Write(b) }
func (p pipeRW) Close() error                { _ = p.w.Close(); return p.r.Close() }
