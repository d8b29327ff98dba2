// This file defines the in-process test harness: a server and a capturing
// client connected over net.Pipe, with waits on "diagnostics for URI at version N".

package lsp

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"go.uber.org/zap"

	"github.com/cloudwerk/cloudwerk-lsp/internal/testutil"
)

// waitTimeout bounds every wait; a test that needs it has failed.
const waitTimeout = 20 * time.Second

// testClient records what the server sends.
type testClient struct {
	protocol.UnimplementedClient

	mu        sync.Mutex
	cond      *sync.Cond
	diags     map[uri.URI]*protocol.PublishDiagnosticsParams // latest per URI
	publishes int
	messages  []string // logMessage and showMessage texts
	progress  []string // progress kinds in order
	created   []protocol.ProgressToken
	registers []protocol.Registration
	applied   []protocol.WorkspaceEdit

	// onPublish, when set, runs (outside the lock) for every publishDiagnostics.
	onPublish func(*protocol.PublishDiagnosticsParams)

	lensRefreshes int // workspace/codeLens/refresh requests
}

func newTestClient() *testClient {
	c := &testClient{diags: map[uri.URI]*protocol.PublishDiagnosticsParams{}}
	c.cond = sync.NewCond(&c.mu)
	return c
}

func (c *testClient) record(f func()) {
	c.mu.Lock()
	f()
	c.cond.Broadcast()
	c.mu.Unlock()
}

func (c *testClient) PublishDiagnostics(ctx context.Context, p *protocol.PublishDiagnosticsParams) error {
	cp := *p
	if p.Diagnostics != nil {
		cp.Diagnostics = append(make([]protocol.Diagnostic, 0, len(p.Diagnostics)), p.Diagnostics...)
	}
	c.record(func() { c.diags[p.URI] = &cp; c.publishes++ })
	if c.onPublish != nil {
		c.onPublish(p)
	}
	return nil
}

func (c *testClient) LogMessage(ctx context.Context, p *protocol.LogMessageParams) error {
	c.record(func() { c.messages = append(c.messages, p.Message) })
	return nil
}

func (c *testClient) ShowMessage(ctx context.Context, p *protocol.ShowMessageParams) error {
	c.record(func() { c.messages = append(c.messages, p.Message) })
	return nil
}

func (c *testClient) WorkDoneProgressCreate(ctx context.Context, p *protocol.WorkDoneProgressCreateParams) error {
	c.record(func() { c.created = append(c.created, p.Token) })
	return nil
}

func (c *testClient) Progress(ctx context.Context, p *protocol.ProgressParams) error {
	kind := "?"
	for _, k := range []string{"begin", "report", "end"} {
		if strings.Contains(string(p.Value), `"kind":"`+k+`"`) {
			kind = k
		}
	}
	c.record(func() { c.progress = append(c.progress, kind) })
	return nil
}

func (c *testClient) RegisterCapability(ctx context.Context, p *protocol.RegistrationParams) error {
	c.record(func() { c.registers = append(c.registers, p.Registrations...) })
	return nil
}

func (c *testClient) ApplyEdit(ctx context.Context, p *protocol.ApplyWorkspaceEditParams) (*protocol.ApplyWorkspaceEditResult, error) {
	c.record(func() { c.applied = append(c.applied, p.Edit) })
	return &protocol.ApplyWorkspaceEditResult{Applied: true}, nil
}

// waitFor blocks until cond holds (checked under the client's lock) or fails the test.
func (c *testClient) waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	expired := false // guarded by c.mu
	timer := time.AfterFunc(waitTimeout, func() { c.record(func() { expired = true }) })
	defer timer.Stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	for !cond() {
		if expired {
			t.Fatalf("timed out waiting for %s; latest diagnostics: %s", what, c.dumpLocked())
		}
		c.cond.Wait()
	}
}

// waitDiags waits for diagnostics of u published at version (or, with version
// < 0, unversioned ones satisfying match) and returns them.
func (c *testClient) waitDiags(t testing.TB, u uri.URI, version int32, match func([]protocol.Diagnostic) bool) []protocol.Diagnostic {
	t.Helper()
	var got []protocol.Diagnostic
	c.waitFor(t, fmt.Sprintf("diagnostics for %s at version %d", u, version), func() bool {
		p := c.diags[u]
		if p == nil {
			return false
		}
		v, ok := p.Version.Get()
		if version >= 0 && (!ok || v != version) {
			return false
		}
		if match != nil && !match(p.Diagnostics) {
			return false
		}
		got = p.Diagnostics
		return true
	})
	return got
}

func (c *testClient) dumpLocked() string {
	var b strings.Builder
	for u, p := range c.diags {
		v, _ := p.Version.Get()
		fmt.Fprintf(&b, "\n  %s v%d: %s", u, v, codesOf(p.Diagnostics))
	}
	return b.String()
}

// codesOf lists the diagnostic codes, for assertions and messages.
func codesOf(ds []protocol.Diagnostic) string {
	var out []string
	for _, d := range ds {
		if s, ok := d.Code.(protocol.String); ok {
			out = append(out, string(s))
		}
	}
	return strings.Join(out, ",")
}

func hasCode(code string) func([]protocol.Diagnostic) bool {
	return func(ds []protocol.Diagnostic) bool {
		for _, c := range strings.Split(codesOf(ds), ",") {
			if c == code {
				return true
			}
		}
		return false
	}
}

func lacksCode(code string) func([]protocol.Diagnostic) bool {
	has := hasCode(code)
	return func(ds []protocol.Diagnostic) bool { return !has(ds) }
}

// newOrderedClient is protocol.NewClient without its async handler: the test
// client records what the server sends in the order it was sent (the library's
// client dispatches notifications concurrently, which can reorder publishes).
// The client's handlers never block, so handling them on the read loop is safe.
func newOrderedClient(ctx context.Context, tc *testClient, stream jsonrpc2.Stream) (context.Context, jsonrpc2.Conn, protocol.Server) {
	ctx = protocol.WithClient(ctx, tc)
	conn := jsonrpc2.NewConn(stream, jsonrpc2.WithCodec(lspCodec{}))
	conn.Go(ctx, protocol.ClientHandler(tc, jsonrpc2.MethodNotFoundHandler))
	return ctx, conn, protocol.ServerDispatcher(conn)
}

// env is one server and client pair.
type env struct {
	t      testing.TB
	root   string
	client *testClient
	server protocol.Server
	conn   *Conn
	cconn  jsonrpc2.Conn
	ctx    context.Context
}

// newEnv starts a server on a pipe; files (path -> content, relative to a fresh
// root) are written first. initialize is not sent.
func newEnv(t testing.TB, files map[string]string) *env {
	t.Helper()
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	testutil.WriteFiles(t, root, files)
	ctx, cancel := context.WithCancel(context.Background())
	sp, cp := net.Pipe()
	conn := Serve(ctx, jsonrpc2.NewStream(sp), Options{NoFileWatcher: true, Logger: testLogger()})
	tc := newTestClient()
	cctx, cconn, server := newOrderedClient(ctx, tc, jsonrpc2.NewStream(cp))
	e := &env{t: t, root: root, client: tc, server: server, conn: conn, cconn: cconn, ctx: cctx}
	// Waits on server state (the scan, the watcher) wake up on every snapshot change.
	conn.s.onChange = func() { tc.record(func() {}) }
	t.Cleanup(func() {
		cancel()
		_ = cconn.Close()
		conn.s.stop()
		_ = conn.s.conn.Close()
	})
	return e
}

// initialize sends initialize + initialized with the given capabilities.
func (e *env) initialize(caps protocol.ClientCapabilities) *protocol.InitializeResult {
	e.t.Helper()
	params := &protocol.InitializeParams{Capabilities: caps}
	params.WorkspaceFolders = protocol.NewNullable([]protocol.WorkspaceFolder{{URI: uri.File(e.root), Name: "root"}})
	res, err := e.server.Initialize(e.ctx, params)
	if err != nil {
		e.t.Fatalf("initialize: %v", err)
	}
	if err := e.server.Initialized(e.ctx, &protocol.InitializedParams{}); err != nil {
		e.t.Fatalf("initialized: %v", err)
	}
	return res
}

func (e *env) uri(rel string) uri.URI {
	return uri.File(filepath.Join(e.root, filepath.FromSlash(rel)))
}

func (e *env) open(rel string, version int32) string {
	e.t.Helper()
	data, err := os.ReadFile(filepath.Join(e.root, filepath.FromSlash(rel)))
	if err != nil {
		e.t.Fatal(err)
	}
	e.openText(rel, version, string(data))
	return string(data)
}

func (e *env) openText(rel string, version int32, text string) {
	e.t.Helper()
	err := e.server.DidOpen(e.ctx, &protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
		URI: e.uri(rel), LanguageID: "typescript", Version: version, Text: text,
	}})
	if err != nil {
		e.t.Fatal(err)
	}
}

// edit replaces the first occurrence of old in the document text (as the test
// tracks it) with new, as one incremental change.
func (e *env) edit(rel string, version int32, text *string, old, new string) {
	e.t.Helper()
	i := strings.Index(*text, old)
	if i < 0 {
		e.t.Fatalf("%q not in %s", old, rel)
	}
	r := protocol.Range{Start: positionAt(*text, i), End: positionAt(*text, i+len(old))}
	*text = (*text)[:i] + new + (*text)[i+len(old):]
	err := e.server.DidChange(e.ctx, &protocol.DidChangeTextDocumentParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: e.uri(rel)}, Version: version},
		ContentChanges: []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangePartial{Range: r, Text: new}},
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// objectSource is a small valid object definition.
func objectSource(extra string) string {
	return `import { defineDurableObject } from '@cloudwerk/durable-object'

interface State { value: number }

export default defineDurableObject<State>({
  sqlite: true,
  init() {
    return { value: 0 }
  },
  methods: {
    async increment(by: number = 1): Promise<number> {
      this.state.value += by
      return this.state.value
    },
  },` + extra + `
})
`
}

// testLogger logs to stderr when CLOUDWERK_LSP_TEST_LOG is set.
func testLogger() *zap.Logger {
	if os.Getenv("CLOUDWERK_LSP_TEST_LOG") == "" {
		return nil
	}
	l, _ := zap.NewDevelopment()
	return l
}
