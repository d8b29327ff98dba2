package lsp

import (
	"context"
	"errors"
	"net"
	"testing"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

func TestInitializeReportsServerInfoAndCapabilities(t *testing.T) {
	e := newEnv(t, nil)
	res := e.initialize(protocol.ClientCapabilities{})
	if res.ServerInfo.Name != "cloudwerk-lsp" {
		t.Errorf("server name = %q", res.ServerInfo.Name)
	}
	if v, _ := res.ServerInfo.Version.Get(); v != version {
		t.Errorf("server version = %q, want %q", v, version)
	}
	sync, ok := res.Capabilities.TextDocumentSync.(*protocol.TextDocumentSyncOptions)
	if !ok || sync.Change == nil || *sync.Change != protocol.TextDocumentSyncKindIncremental {
		t.Errorf("text sync = %#v, want incremental", res.Capabilities.TextDocumentSync)
	}
}

// rawConn speaks plain JSON-RPC to a server, to test protocol corner cases.
func rawConn(t *testing.T) (jsonrpc2.Conn, *Conn) {
	t.Helper()
	sp, cp := net.Pipe()
	conn := Serve(context.Background(), jsonrpc2.NewStream(sp), Options{NoFileWatcher: true})
	c := jsonrpc2.NewConn(jsonrpc2.NewStream(cp))
	c.Go(context.Background(), jsonrpc2.MethodNotFoundHandler)
	t.Cleanup(func() {
		_ = c.Close()
		conn.s.stop()
		_ = conn.s.conn.Close()
	})
	return c, conn
}

func wireCode(err error) jsonrpc2.Code {
	var je *jsonrpc2.Error
	if errors.As(err, &je) {
		return je.Code
	}
	return 0
}

func TestRequestsBeforeInitializeAreRefused(t *testing.T) {
	c, _ := rawConn(t)
	ctx := context.Background()
	var out any
	_, err := c.Call(ctx, "textDocument/hover", map[string]any{
		"textDocument": map[string]any{"uri": "file:///x.ts"}, "position": map[string]any{"line": 0, "character": 0},
	}, &out)
	if wireCode(err) != jsonrpc2.ServerNotInitialized {
		t.Fatalf("hover before initialize: err = %v, want code -32002", err)
	}
	if _, err := c.Call(ctx, "initialize", map[string]any{"processId": nil, "rootUri": nil, "capabilities": map[string]any{}}, &out); err != nil {
		t.Fatalf("initialize: %v", err)
	}
	if _, err := c.Call(ctx, "initialize", map[string]any{"processId": nil, "rootUri": nil, "capabilities": map[string]any{}}, &out); wireCode(err) != jsonrpc2.InvalidRequest {
		t.Fatalf("second initialize: err = %v, want InvalidRequest", err)
	}
	if _, err := c.Call(ctx, "cloudwerk/noSuchMethod", map[string]any{}, &out); wireCode(err) != jsonrpc2.MethodNotFound {
		t.Fatalf("unknown method: err = %v, want MethodNotFound", err)
	}
	// An unknown notification is ignored and the connection keeps serving.
	if err := c.Notify(ctx, "cloudwerk/noSuchNotification", map[string]any{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Call(ctx, "shutdown", nil, &out); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if _, err := c.Call(ctx, "textDocument/hover", map[string]any{}, &out); wireCode(err) != jsonrpc2.InvalidRequest {
		t.Fatalf("request after shutdown: err = %v, want InvalidRequest", err)
	}
}

func TestExitCodes(t *testing.T) {
	for _, tc := range []struct {
		name     string
		shutdown bool
		want     int
	}{
		{"exit after shutdown", true, 0},
		{"exit without shutdown", false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, conn := rawConn(t)
			ctx := context.Background()
			var out any
			if _, err := c.Call(ctx, "initialize", map[string]any{"processId": nil, "rootUri": nil, "capabilities": map[string]any{}}, &out); err != nil {
				t.Fatal(err)
			}
			if tc.shutdown {
				if _, err := c.Call(ctx, "shutdown", nil, &out); err != nil {
					t.Fatal(err)
				}
			}
			if err := c.Notify(ctx, "exit", nil); err != nil {
				t.Fatal(err)
			}
			if got := conn.Wait(); got != tc.want {
				t.Fatalf("exit code = %d, want %d", got, tc.want)
			}
		})
	}
}
