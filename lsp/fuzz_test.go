package lsp

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
)

// frame wraps a body in LSP's Content-Length framing.
func frame(body string) []byte {
	return []byte(fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body))
}

// FuzzServerFrames feeds arbitrary bytes (after a valid initialize) to a
// server: it must never panic and must stop promptly when the stream ends.
func FuzzServerFrames(f *testing.F) {
	for _, seed := range []string{
		`{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///a.ts"},"position":{"line":0,"character":0}}}`,
		`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///w/app/objects/a.ts","languageId":"typescript","version":1,"text":"export default 1"}}}`,
		`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///w/app/objects/a.ts","version":2},"contentChanges":[{"range":{"start":{"line":9,"character":0},"end":{"line":0,"character":0}},"text":"x"}]}}`,
		`{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":"x"}}`,
		`[{"jsonrpc":"2.0","id":3,"method":"shutdown"},{"jsonrpc":"2.0","method":"exit"}]`,
		`{"jsonrpc":"2.0","id":4,"method":"workspace/executeCommand","params":{"command":"cloudwerk.renameFiles","arguments":["/etc/passwd","/outside/x"]}}`,
		`{"jsonrpc":"2.0","id":null}`,
		`{`,
	} {
		f.Add(frame(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sp, cp := net.Pipe()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		conn := Serve(ctx, jsonrpc2.NewStream(sp), Options{NoFileWatcher: true})
		go func() { _, _ = io.Copy(io.Discard, cp) }() // drain whatever the server answers
		init := frame(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":"file:///w","capabilities":{}}}`)
		go func() {
			// The server may stop reading (exit, a broken frame): never block on it.
			_, _ = cp.Write(bytes.Join([][]byte{init, data}, nil))
			_ = cp.Close()
		}()
		done := make(chan int, 1)
		go func() { done <- conn.Wait() }()
		select {
		case <-done:
		case <-ctx.Done():
			_ = cp.Close()
			t.Fatal("server did not stop after the stream closed")
		}
	})
}
