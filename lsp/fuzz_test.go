package lsp

import (
	"fmt"
	"testing"
	"time"
)

// frame wraps a body in LSP's Content-Length framing.
func frame(body string) []byte {
	return []byte(fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body))
}

// FuzzServerFrames sends one frame with a correct Content-Length and an
// arbitrary body to an initialized server. Every such frame is recoverable: the
// server must never panic, must still answer the next call (whatever the frame
// was, even shutdown or exit: a shut-down server answers with an error), and
// must stop promptly on exit.
func FuzzServerFrames(f *testing.F) {
	for _, seed := range []string{
		`{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///a.ts"},"position":{"line":0,"character":0}}}`,
		`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///w/app/objects/a.ts","languageId":"typescript","version":1,"text":"export default 1"}}}`,
		`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///w/app/objects/a.ts","version":2},"contentChanges":[{"range":{"start":{"line":9,"character":0},"end":{"line":0,"character":0}},"text":"x"}]}}`,
		`{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":"x"}}`,
		`[{"jsonrpc":"2.0","id":3,"method":"shutdown"},{"jsonrpc":"2.0","method":"exit"}]`,
		`{"jsonrpc":"2.0","id":4,"method":"workspace/executeCommand","params":{"command":"cloudwerk.renameFiles","arguments":["/etc/passwd","/outside/x"]}}`,
		`{"jsonrpc":"2.0","id":5,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///dev/zero"},"position":{"line":0,"character":0}}}`,
		`{"jsonrpc":"2.0","id":null}`,
		`{"jsonrpc":"2.0","id":true,"method":"shutdown"}`,
		`{"jsonrpc":"2.0","id":1.5,"method":"shutdown"}`,
		`{"jsonrpc":"2.0","id":{},"method":"shutdown"}`,
		`{"jsonrpc":"2.0","id":6,"method":"textDocument/hover","params":{"textDocument":7}}`,
		`[1,`,
		`[]`,
		`{`,
		``,
		"\xff\xfe",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		w, conn, _ := newWireClient(t)
		w.wait = 5 * time.Second
		w.initialize()
		if _, err := w.conn.Write(frame(string(body))); err != nil {
			t.Fatalf("the server stopped reading at the frame: %v", err)
		}
		w.probeReply(1) // fails the test when the server died or stopped answering
		w.send(`{"jsonrpc":"2.0","method":"exit"}`)
		done := make(chan int, 1)
		go func() { done <- conn.Wait() }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("server did not stop after exit")
		}
	})
}
