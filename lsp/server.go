// This file defines the language server: its options, its state and the
// JSON-RPC handler chain that serves it over one connection.

package lsp

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/diagnostics"
)

// Options configure a server.
type Options struct {
	// Logger receives the server's logs; nil discards them. It must never write
	// to the stream the server speaks on.
	Logger *zap.Logger
	// NoFileWatcher disables the server's own fsnotify watcher (used when the
	// client offers no file watching), e.g. in tests that drive changes themselves.
	NoFileWatcher bool
}

// lifecycle states of a connection.
const (
	stateNew int32 = iota
	stateInitialized
	stateShutdown
)

// Server is one language-server connection.
type Server struct {
	protocol.UnimplementedServer

	log    *zap.Logger
	opts   Options
	conn   jsonrpc2.Conn
	client protocol.Client

	// ctx is the connection context: every background goroutine derives from it;
	// cancel ends them on shutdown or close.
	ctx    context.Context
	cancel context.CancelFunc

	state   atomic.Int32
	exited  chan struct{} // closed by the exit notification
	exitOne sync.Once

	snap atomic.Pointer[snapshot] // readers load it without locking

	// inflightMu guards inflight, the cancel functions of running calls by id.
	inflightMu sync.Mutex
	inflight   map[jsonrpc2.ID]context.CancelFunc

	// mu guards replacing snap and the mutable per-document parse state in docs.
	// Writers hold it while they clone the current snapshot and store the new one.
	mu   sync.Mutex
	docs map[string]*docState

	// testHook, when set by tests, runs at the start of every call.
	testHook func(ctx context.Context, method string)
	// afterAppLoad, when set by tests, runs between loading an app and storing it.
	afterAppLoad func(root string)
	// onChange, when set by tests, runs after every snapshot replacement.
	onChange func()

	caps     clientCaps
	diagOpts diagnostics.Options // severity overrides from initializationOptions
	diag     *publisher
	watcher  *fileWatcher // guarded by mu
	// watching is set once the server's own watcher covers the workspace.
	watching atomic.Bool
	// diskEvents counts the disk changes seen (see diskChanged): an app loaded
	// while one arrived is loaded again, so its snapshot never replaces the newer fact.
	diskEvents atomic.Uint64
	wg         sync.WaitGroup // background goroutines

	lensRefresh lensRefresher
}

// Conn is a served connection.
type Conn struct {
	s *Server
}

// Serve starts serving the language server on stream and returns at once.
// Wait blocks until the client sends exit or the stream ends.
func Serve(ctx context.Context, stream jsonrpc2.Stream, opts Options) *Conn {
	s := newServer(ctx, opts)
	s.conn = jsonrpc2.NewConn(guardStream(stream, s.log), jsonrpc2.WithCodec(lspCodec{}))
	s.client = protocol.ClientDispatcher(s.conn)
	// The read loop runs under ctx, not s.ctx: shutdown cancels background work
	// but the connection must go on reading until exit.
	s.conn.Go(ctx, s.handle)
	return &Conn{s: s}
}

func newServer(ctx context.Context, opts Options) *Server {
	log := opts.Logger
	if log == nil {
		log = zap.NewNop()
	}
	s := &Server{log: log, opts: opts, exited: make(chan struct{}), docs: map[string]*docState{}, inflight: map[jsonrpc2.ID]context.CancelFunc{}}
	s.ctx, s.cancel = context.WithCancel(ctx)
	s.snap.Store(&snapshot{open: map[string]*openFile{}})
	s.diag = newPublisher(s)
	return s
}

// Wait blocks until the client sends exit or the connection ends, stops the
// server and returns the process exit code: 0 after shutdown, 1 otherwise.
func (c *Conn) Wait() int {
	select {
	case <-c.s.exited:
	case <-c.s.conn.Done():
	}
	c.s.stop()
	_ = c.s.conn.Close()
	if c.s.state.Load() == stateShutdown {
		return 0
	}
	return 1
}

// Done is closed when the underlying connection has terminated.
func (c *Conn) Done() <-chan struct{} { return c.s.conn.Done() }

// stop cancels the connection context and waits for background work.
func (s *Server) stop() {
	s.cancel()
	if w := s.ownWatcher(); w != nil {
		w.close()
	}
	s.wg.Wait()
}

// ownWatcher returns the server's own file watcher, or nil.
func (s *Server) ownWatcher() *fileWatcher {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.watcher
}

// errNotInitialized is the answer to a request before initialize.
var errNotInitialized = jsonrpc2.NewError(jsonrpc2.ServerNotInitialized, "server not initialized")

// syncNotifications change document state; they run inline on the read loop so
// they apply in wire order (each is a cheap incremental update).
var syncNotifications = map[string]bool{
	protocol.MethodInitialized:                        true,
	protocol.MethodTextDocumentDidOpen:                true,
	protocol.MethodTextDocumentDidChange:              true,
	protocol.MethodTextDocumentDidClose:               true,
	protocol.MethodTextDocumentDidSave:                true,
	protocol.MethodWorkspaceDidChangeWatchedFiles:     true,
	protocol.MethodWorkspaceDidChangeWorkspaceFolders: true,
	protocol.MethodWorkspaceDidRenameFiles:            true,
	protocol.MethodWorkspaceDidChangeConfiguration:    true,
	protocol.MethodExit:                               true,
	protocol.MethodSetTrace:                           true,
}

// handle is the connection's handler: it refuses calls before initialize,
// releases calls from the read loop, never lets a notification error or a
// panic tear the connection down, and replies to every call exactly once (the
// connection sends the returned value).
func (s *Server) handle(ctx context.Context, req *jsonrpc2.Request) (result any, err error) {
	// The connection decodes the method without copying: the string points into
	// its frame buffer, which the next read reuses once the call is released
	// (jsonrpc2.Async), so keep a copy of our own.
	method := strings.Clone(req.Method())
	isCall := req.IsCall()
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("handler panicked", zap.String("method", method), zap.Any("panic", r))
			result, err = nil, jsonrpc2.Errorf(jsonrpc2.InternalError, "internal error in %s", method)
		}
		if errors.Is(err, jsonrpc2.ErrParse) {
			// The frame was JSON (the guard and the connection checked it), so a
			// decoding failure here is about the params' shape.
			err = jsonrpc2.Errorf(jsonrpc2.InvalidParams, "invalid params for %s: %v", method, err)
			s.log.Warn("invalid params", zap.String("method", method), zap.Error(err))
		}
		if !isCall {
			if err != nil && !errors.Is(err, context.Canceled) {
				s.log.Warn("notification failed", zap.String("method", method), zap.Error(err))
			}
			result, err = nil, nil
		}
	}()

	switch s.state.Load() {
	case stateNew:
		if method == protocol.MethodExit {
			break
		}
		if method != protocol.MethodInitialize {
			if isCall {
				return nil, errNotInitialized
			}
			return nil, nil // notifications before initialize are dropped
		}
	case stateShutdown:
		if method != protocol.MethodExit && isCall {
			return nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, "server is shut down")
		}
	}
	if !isCall {
		if method == protocol.MethodCancelRequest {
			s.cancelRequest(req.Params())
			return nil, nil
		}
		if strings.HasPrefix(method, "$/") {
			return nil, nil
		}
		return protocol.ServerHandler(s, nil)(ctx, req)
	}
	// Calls get a context of their own, derived from the connection (the request
	// context is pooled by the connection and must not be retained), registered
	// so that $/cancelRequest can cancel it.
	id := req.ID()
	cctx, cancel := context.WithCancel(jsonrpc2.DetachContext(ctx))
	defer cancel()
	s.inflightMu.Lock()
	s.inflight[id] = cancel
	s.inflightMu.Unlock()
	defer func() {
		s.inflightMu.Lock()
		delete(s.inflight, id)
		s.inflightMu.Unlock()
	}()
	if method != protocol.MethodInitialize {
		// initialize stays on the read loop: nothing may run before it has
		// recorded the client's capabilities. Every other call is released so a
		// slow one never blocks the messages behind it.
		jsonrpc2.Async(ctx)
		// The method string was borrowed from the frame, which the read loop now
		// reuses; Async gave the request an owned copy.
		method = req.Method()
	}
	if s.testHook != nil {
		s.testHook(cctx, method)
	}
	res, err := protocol.ServerHandler(s, nil)(cctx, req)
	if err != nil && cctx.Err() != nil && errors.Is(err, context.Canceled) {
		return nil, protocol.ErrRequestCancelled
	}
	return res, err
}

// cancelRequest handles $/cancelRequest: the call with that id (number or
// string) sees its context cancelled and answers RequestCancelled.
func (s *Server) cancelRequest(raw []byte) {
	var params protocol.CancelParams
	if err := protocol.Unmarshal(raw, &params); err != nil {
		s.log.Debug("malformed $/cancelRequest", zap.Error(err))
		return
	}
	var id jsonrpc2.ID
	switch v := params.ID.(type) {
	case protocol.Integer:
		id = jsonrpc2.NewNumberID(int64(v))
	case protocol.String:
		id = jsonrpc2.NewStringID(string(v))
	default:
		return
	}
	s.inflightMu.Lock()
	cancel := s.inflight[id]
	s.inflightMu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// Request answers methods outside the LSP surface: they do not exist here.
func (s *Server) Request(ctx context.Context, method string, params any) (any, error) {
	return nil, jsonrpc2.Errorf(jsonrpc2.MethodNotFound, "method not found: %s", method)
}

// update replaces the snapshot with f(current) under s.mu and returns the new one.
func (s *Server) update(f func(cur *snapshot) *snapshot) *snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.updateLocked(f)
}

// updateLocked is update for callers already holding s.mu.
func (s *Server) updateLocked(f func(cur *snapshot) *snapshot) *snapshot {
	n := f(s.snap.Load())
	s.snap.Store(n)
	if s.onChange != nil {
		s.onChange()
	}
	return n
}

// logToClient sends a window/logMessage; it never blocks on the client.
func (s *Server) logToClient(typ protocol.MessageType, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if s.client == nil {
		return
	}
	_ = s.client.LogMessage(s.ctx, &protocol.LogMessageParams{Type: typ, Message: msg})
}

// showToClient sends a window/showMessage.
func (s *Server) showToClient(typ protocol.MessageType, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if s.client == nil {
		return
	}
	_ = s.client.ShowMessage(s.ctx, &protocol.ShowMessageParams{Type: typ, Message: msg})
}

// lspCodec marshals payloads with the protocol package's union-aware codec.
type lspCodec struct{}

func (lspCodec) Marshal(v any) ([]byte, error) {
	switch m := v.(type) {
	case jsonrpc2.RawMessage:
		if m == nil {
			return []byte("null"), nil
		}
		return m, nil
	case *jsonrpc2.RawMessage:
		if m == nil || *m == nil {
			return []byte("null"), nil
		}
		return *m, nil
	}
	return protocol.Marshal(v)
}

func (lspCodec) Unmarshal(data []byte, v any) error {
	if p, ok := v.(*jsonrpc2.RawMessage); ok {
		*p = append(jsonrpc2.RawMessage(nil), data...)
		return nil
	}
	return protocol.Unmarshal(data, v)
}

// version is what initialize reports.
var version = analysis.Version
