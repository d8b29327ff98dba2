package lsp

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/internal/benchapp"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"go.uber.org/zap"
)

// benchWorkspace returns a server whose snapshot holds the app at root (no
// connection: the benchmark drives the engine boundary) and the path and text
// of its obj0.ts, the file the benchmark edits.
func benchWorkspace(b *testing.B, root string, n int) (*Server, string, string) {
	b.Helper()
	path := filepath.Join(root, "app", "objects", benchapp.Name(0)+".ts")
	text, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	s := newBenchServer(b)
	loadBenchApp(b, s, root, n)
	return s, path, string(text)
}

// newBenchServer starts a server without a connection or file watcher, stopped
// when the benchmark ends. The stop also drops the snapshot: the testing
// package keeps a finished run's cleanup closures reachable (and so the
// server), and with -count the next run would otherwise measure its
// predecessor's workspace too (BenchmarkServerRSS read about twice the live heap
// from the second run on).
func newBenchServer(b *testing.B) *Server {
	s := newServer(context.Background(), Options{Logger: zap.NewNop(), NoFileWatcher: true})
	b.Cleanup(func() {
		s.cancel()
		s.wg.Wait()
		s.snap.Store(&snapshot{open: map[string]*openFile{}})
		s.docs = nil
	})
	return s
}

// writeBenchObjects writes a workspace of n generated object files (about 1.4 KB
// each), obj0.ts holding first when it is not nil, and returns its root.
func writeBenchObjects(b *testing.B, n int, first []byte) string {
	b.Helper()
	root := b.TempDir()
	if err := benchapp.WriteObjects(root, n); err != nil {
		b.Fatal(err)
	}
	if first != nil {
		if err := os.WriteFile(filepath.Join(root, "app", "objects", benchapp.Name(0)+".ts"), first, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return root
}

// loadBenchApp loads the app at root into s's snapshot, as addApp does but
// without waking the diagnostics worker.
func loadBenchApp(b *testing.B, s *Server, root string, n int) {
	b.Helper()
	app := loadApp(root, nil)
	if app == nil || len(app.Manifest.Entries) != n {
		b.Fatalf("loaded %v", app)
	}
	s.snap.Store(&snapshot{folders: []string{root}, apps: []*appState{{app: app}}, open: map[string]*openFile{}})
}

// BenchmarkServerEdit measures one body edit of an open object file up to the
// diagnostics computed for it (the point where they are handed to publishing):
// a one-digit toggle in a 1.4 KB object file, and in the middle method of a
// 190-method one, in workspaces of 10 and 10,000 objects.
func BenchmarkServerEdit(b *testing.B) {
	files := []struct {
		name   string
		src    []byte
		marker string // the edit toggles the digit that ends it
	}{
		{"file=1.4KB", benchapp.Object(0), "return { total: 0"},
		{"file=190methods", benchapp.ManyMethods(190), benchapp.EditMarker(95)},
	}
	for _, f := range files {
		for _, n := range []int{10, 10000} {
			var root string // written on first use: b.Run calls the function once per b.N try
			b.Run(f.name+"/objects="+strconv.Itoa(n), func(sb *testing.B) {
				if root == "" {
					root = writeBenchObjects(b, n, f.src)
				}
				b := sb
				s, path, text := benchWorkspace(b, root, n)
				benchEdits(b, s, path, text, strings.Index(text, f.marker)+len(f.marker)-1)
			})
		}
	}
}

// benchEdits opens path with text and times b.N edits toggling the digit at
// byte offset at, each followed by the diagnostics pass of the file.
func benchEdits(b *testing.B, s *Server, path, text string, at int) {
	if at < 0 || text[at] != '0' {
		b.Fatalf("no digit 0 to toggle at %d", at)
	}
	u := uri.File(path)
	ctx := context.Background()
	// Open the document without waking the diagnostics worker: the benchmark
	// runs the passes itself, on this goroutine.
	s.docs[path] = &docState{text: text, doc: analysis.NewDocument(path, []byte(text))}
	s.snap.Store(s.snap.Load().withOpen(&openFile{uri: u, path: path, version: 1, text: text}))
	pos := positionAt(text, at)
	r := protocol.Range{Start: pos, End: protocol.Position{Line: pos.Line, Character: pos.Character + 1}}
	computed := 0
	s.diag.onPass = func(string, int) { computed++ }
	b.ResetTimer()
	cpu0 := processCPU()
	for i := 0; i < b.N; i++ {
		params := &protocol.DidChangeTextDocumentParams{
			TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: u}, Version: int32(i + 2)},
			ContentChanges: []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangePartial{Range: r, Text: strconv.Itoa((i + 1) % 2)}},
		}
		ch, bad, _ := s.applyChanges(path, params)
		if bad != nil || ch.file != path {
			b.Fatalf("edit was not a file-only change: %+v", ch)
		}
		s.diag.run(ctx, work{files: map[string]bool{path: true}})
	}
	b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
	if computed != b.N {
		b.Fatalf("computed %d passes for %d edits", computed, b.N)
	}
}

// BenchmarkServerRSS loads 10,000 (and 100,000) objects into a server and runs the whole-app
// diagnostics pass a server runs after loading, then reports the server's steady
// state:
//
//   - MB-rss: the process's resident memory after runtime.GC and
//     debug.FreeOSMemory, so garbage left by loading (parse buffers, file
//     contents) and heap pages the runtime has not yet returned to the OS are
//     not counted. It still counts the test binary, the Go runtime and the
//     tree-sitter grammars, which a server process has too. Without the
//     FreeOSMemory the figure depends on how much garbage the runs before left
//     (it used to grow from about 90 MB to 170 MB between -count runs).
//   - MB-heap: the live Go heap after that GC (what the snapshot and the
//     diagnostics state retain).
//
// ns/op is the time to load and diagnose the app; the workspace files are
// written once, outside the timer, and are not part of the process's memory.
func BenchmarkServerRSS(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run("objects="+strconv.Itoa(n), func(b *testing.B) { benchServerRSS(b, n) })
	}
}

func benchServerRSS(b *testing.B, n int) {
	root := writeBenchObjects(b, n, nil)
	s := newBenchServer(b)
	ctx := context.Background()
	runtime.GC()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.snap.Store(&snapshot{open: map[string]*openFile{}})
		loadBenchApp(b, s, root, n)
		s.diag.run(ctx, work{apps: map[string]bool{root: true}})
	}
	b.StopTimer()
	if a := s.snap.Load().apps[0]; len(a.entries()) != n {
		b.Fatal("lost objects")
	}
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(rssMB(), "MB-rss")
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "MB-heap")
	runtime.KeepAlive(s)
}

// processCPU returns the CPU time (user + system, all threads, including the
// garbage collector's) the process has used, in nanoseconds: a figure less
// sensitive than wall time to other processes competing for the CPU.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// rssMB is this process's resident set (0 where unavailable).
func rssMB() float64 { return float64(benchapp.RSSKB("self")) / 1024 }
