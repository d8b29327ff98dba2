package lsp

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"go.uber.org/zap"
)

// benchWorkspace writes n object files and returns a server whose snapshot holds
// the loaded app (no connection: the benchmark drives the engine boundary).
func benchWorkspace(b *testing.B, n int) (*Server, string, string) {
	b.Helper()
	root := b.TempDir()
	writeFiles(b, root, map[string]string{"cloudwerk.config.ts": "export default {}\n"})
	dir := filepath.Join(root, "app", "objects")
	_ = os.MkdirAll(dir, 0o755)
	for i := 0; i < n; i++ {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("object%d.ts", i)), []byte(objectSource("")), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	s := newServer(context.Background(), Options{Logger: zap.NewNop(), NoFileWatcher: true})
	b.Cleanup(func() { s.cancel(); s.wg.Wait() })
	app := loadApp(root)
	if app == nil || len(app.Manifest.Entries) != n {
		b.Fatalf("loaded %v", app)
	}
	s.snap.Store(&snapshot{folders: []string{root}, apps: []*appState{{app: app}}, open: map[string]*openFile{}})
	return s, filepath.Join(dir, "object0.ts"), objectSource("")
}

// BenchmarkServerEdit measures one body edit of an open object file up to the
// diagnostics computed for it (the point where they are handed to publishing).
func BenchmarkServerEdit(b *testing.B) {
	for _, n := range []int{10, 10000} {
		b.Run("objects="+strconv.Itoa(n), func(b *testing.B) {
			s, path, text := benchWorkspace(b, n)
			u := uri.File(path)
			ctx := context.Background()
			// Open the document without waking the diagnostics worker: the
			// benchmark runs the passes itself, on this goroutine.
			s.docs[path] = &docState{text: text, doc: newDocument(path, text)}
			s.snap.Store(s.snap.Load().withOpen(&openFile{uri: u, path: path, version: 1, text: text}))
			// Toggle one digit of the init body: `value: 0` <-> `value: 1`.
			at := positionAt(text, strings.Index(text, "value: 0")+len("value: "))
			r := protocol.Range{Start: at, End: protocol.Position{Line: at.Line, Character: at.Character + 1}}
			computed := 0
			s.diag.onPass = func(string, int) { computed++ }
			b.ResetTimer()
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
			if computed != b.N {
				b.Fatalf("computed %d passes for %d edits", computed, b.N)
			}
		})
	}
}

// BenchmarkServerRSS loads 10,000 objects into a server snapshot and reports
// the process's resident memory.
// The workspace is loaded once whatever b.N is (loading is what is measured);
// run it alone (-bench ServerRSS) so other benchmarks do not inflate the figure.
func BenchmarkServerRSS(b *testing.B) {
	s, _, _ := benchWorkspace(b, 10000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if a := s.snap.Load().apps[0]; len(a.entries()) != 10000 {
			b.Fatal("lost objects")
		}
	}
	b.StopTimer()
	runtime.GC()
	b.ReportMetric(rssMB(), "MB-rss")
	runtime.KeepAlive(s)
}

// rssMB reads VmRSS from /proc/self/status (0 where unavailable).
func rssMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}
