package lsp

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

// wireClient speaks raw frames to a server, so tests can send bytes no
// well-behaved client library would.
type wireClient struct {
	t    testing.TB
	conn net.Conn
	wait time.Duration // bound on every wait for a reply
	in   chan wireMsg
	done chan struct{} // closed when the server's side of the stream ends
}

// wireMsg is one decoded frame the server sent.
type wireMsg struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int64  `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// newWireClient serves a server on a pipe and returns the raw client side and
// the server's log observer.
func newWireClient(t testing.TB) (*wireClient, *Conn, *observer.ObservedLogs) {
	t.Helper()
	core, logs := observer.New(zap.WarnLevel)
	sp, cp := net.Pipe()
	conn := Serve(context.Background(), jsonrpc2.NewStream(sp), Options{NoFileWatcher: true, Logger: zap.New(core)})
	w := &wireClient{t: t, conn: cp, wait: waitTimeout, in: make(chan wireMsg, 64), done: make(chan struct{})}
	go w.readLoop()
	t.Cleanup(func() {
		_ = cp.Close()
		conn.s.stop()
		_ = conn.s.conn.Close()
	})
	return w, conn, logs
}

func (w *wireClient) readLoop() {
	defer close(w.done)
	r := bufio.NewReader(w.conn)
	for {
		n := -1
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimSpace(line)
			if line == "" {
				break
			}
			if v, ok := strings.CutPrefix(line, "Content-Length: "); ok {
				n, _ = strconv.Atoi(v)
			}
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(r, body); err != nil {
			return
		}
		var batch []wireMsg
		if json.Unmarshal(body, &batch) != nil {
			var m wireMsg
			if json.Unmarshal(body, &m) != nil {
				w.t.Errorf("server sent a frame that is not JSON: %q", body)
				continue
			}
			batch = append(batch, m)
		}
		for _, m := range batch {
			w.in <- m
		}
	}
}

// send writes body as one correctly framed message.
func (w *wireClient) send(body string) {
	w.t.Helper()
	if _, err := w.conn.Write(frame(body)); err != nil {
		w.t.Fatalf("write: %v", err)
	}
}

// reply waits for the response with id (its JSON text), skipping the
// notifications and requests the server sends meanwhile.
func (w *wireClient) reply(id string) wireMsg {
	w.t.Helper()
	timer := time.NewTimer(w.wait)
	defer timer.Stop()
	for {
		select {
		case m := <-w.in:
			if m.Method == "" && string(m.ID) == id {
				return m
			}
		case <-w.done:
			w.t.Fatalf("the server closed the stream while the reply to id %s was awaited", id)
		case <-timer.C:
			w.t.Fatalf("no reply to id %s", id)
		}
	}
}

// initialize performs the handshake (no workspace).
func (w *wireClient) initialize() {
	w.t.Helper()
	w.send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}`)
	if m := w.reply("1"); m.Error != nil {
		w.t.Fatalf("initialize failed: %s", m.Error.Message)
	}
	w.send(`{"jsonrpc":"2.0","method":"initialized","params":{}}`)
}

// probeReply sends a call and returns the server's answer.
func (w *wireClient) probeReply(n int) wireMsg {
	w.t.Helper()
	id := fmt.Sprintf(`"probe-%d"`, n)
	w.send(`{"jsonrpc":"2.0","id":` + id + `,"method":"workspace/symbol","params":{"query":""}}`)
	return w.reply(id)
}

// probe checks that the server still answers calls successfully.
func (w *wireClient) probe(n int) {
	w.t.Helper()
	if m := w.probeReply(n); m.Error != nil {
		w.t.Fatalf("probe after a bad frame failed: %s", m.Error.Message)
	}
}

func TestMalformedFramesGetErrorRepliesAndTheServerGoesOn(t *testing.T) {
	w, _, logs := newWireClient(t)
	w.initialize()
	for i, tc := range []struct {
		body   string
		id     string // the id the error reply must carry
		code   jsonrpc2.Code
		logged string // a warning the server must log
	}{
		{`this is not JSON`, "null", jsonrpc2.ParseError, "malformed JSON-RPC frame"},
		{``, "null", jsonrpc2.ParseError, "malformed JSON-RPC frame"},
		{`{"jsonrpc":"2.0","id":2,"method":"textDocument/hover"`, "null", jsonrpc2.ParseError, "malformed JSON-RPC frame"},
		{`{"jsonrpc":"2.0","id":true,"method":"workspace/symbol","params":{"query":""}}`, "null", jsonrpc2.InvalidRequest, "malformed JSON-RPC frame"},
		{`{"jsonrpc":"2.0","id":1.5,"method":"workspace/symbol","params":{"query":""}}`, "null", jsonrpc2.InvalidRequest, "malformed JSON-RPC frame"},
		{`{"jsonrpc":"2.0","id":{},"method":"workspace/symbol","params":{"query":""}}`, "null", jsonrpc2.InvalidRequest, "malformed JSON-RPC frame"},
		{`{"jsonrpc":"2.0","id":3,"method":42}`, "3", jsonrpc2.InvalidRequest, "malformed JSON-RPC frame"},
		{`[{"jsonrpc":"2.0","id":4,"method":"shutdown"},`, "null", jsonrpc2.ParseError, "malformed JSON-RPC frame"},
		{`{"jsonrpc":"2.0","id":5,"method":"textDocument/hover","params":{"textDocument":7,"position":"x"}}`, "5", jsonrpc2.InvalidParams, "invalid params"},
		{`{"jsonrpc":"2.0","id":6,"method":"workspace/executeCommand","params":[1,2]}`, "6", jsonrpc2.InvalidParams, "invalid params"},
	} {
		before := logs.FilterMessage(tc.logged).Len()
		w.send(tc.body)
		m := w.reply(tc.id)
		if m.Error == nil || jsonrpc2.Code(m.Error.Code) != tc.code {
			t.Errorf("%s: reply %+v, want error %d", tc.body, m.Error, tc.code)
		}
		w.probe(i)
		if logs.FilterMessage(tc.logged).Len() <= before {
			t.Errorf("%s: nothing logged as %q", tc.body, tc.logged)
		}
	}
	// A malformed response from the client has nobody to answer: it is dropped.
	w.send(`{"jsonrpc":"2.0","id":true,"result":null}`)
	w.probe(100)
}
