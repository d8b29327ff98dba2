package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"go.lsp.dev/jsonrpc2"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/cloudwerk/cloudwerk-lsp/lsp"
)

// runServe runs the language server on stdin/stdout. Logs go to stderr or
// --log-file, never stdout (stdout is the wire).
func runServe(args []string) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	fs.Bool("stdio", true, "speak LSP on stdin/stdout (the only transport)")
	logFile := fs.String("log-file", "", "write logs to this file instead of stderr")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn, error")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	logger, closeLog, err := newLogger(*logFile, *logLevel)
	if err != nil {
		fmt.Fprintf(os.Stderr, "cloudwerk-lsp: serve: %v\n", err)
		return exitUsage
	}
	defer closeLog()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rw := newStdio()
	conn := lsp.Serve(ctx, jsonrpc2.NewStream(rw), lsp.Options{Logger: logger})
	go func() {
		<-ctx.Done()
		_ = rw.in.Close()
	}()
	return conn.Wait()
}

// newLogger builds the one logger: JSON lines to a file, or console to stderr.
func newLogger(file, level string) (*zap.Logger, func(), error) {
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		return nil, nil, fmt.Errorf("--log-level: %w", err)
	}
	var out zapcore.WriteSyncer = zapcore.Lock(os.Stderr)
	closeFn := func() {}
	enc := zapcore.NewConsoleEncoder(zap.NewDevelopmentEncoderConfig())
	if file != "" {
		f, err := os.OpenFile(file, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return nil, nil, fmt.Errorf("--log-file: %w", err)
		}
		out = zapcore.Lock(f)
		closeFn = func() { _ = f.Close() }
		enc = zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig())
	}
	logger := zap.New(zapcore.NewCore(enc, out, lvl))
	return logger, func() { _ = logger.Sync(); closeFn() }, nil
}

// stdio joins stdin and stdout into the stream the server speaks on. Stdin is
// copied into a pipe by its own goroutine because closing os.Stdin does not
// end a read already blocked on it: without the pipe, the process would
// outlive `exit` (and SIGTERM) until the client closed its end, and clients
// that wait for the process to end before restarting (Neovim) would hang.
type stdio struct{ in *io.PipeReader }

func newStdio() stdio {
	r, w := io.Pipe()
	go func() {
		_, err := io.Copy(w, os.Stdin)
		_ = w.CloseWithError(err) // nil: the reader sees io.EOF
	}()
	return stdio{in: r}
}

func (s stdio) Read(p []byte) (int, error) { return s.in.Read(p) }
func (stdio) Write(p []byte) (int, error)  { return os.Stdout.Write(p) }
func (s stdio) Close() error {
	err := s.in.Close()
	if err2 := os.Stdout.Close(); err == nil {
		err = err2
	}
	return err
}

var _ io.ReadWriteCloser = stdio{}
