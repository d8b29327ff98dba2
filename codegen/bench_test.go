//go:build unix

package codegen

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

// benchApp builds an app of n objects in memory (each with three typed methods,
// an exported type and a fetch handler) rooted at a temp dir.
func benchApp(b *testing.B, n int) *analysis.App {
	root := b.TempDir()
	objects := filepath.Join(root, "app", "objects")
	entries := make([]*analysis.Entry, 0, n)
	for i := range n {
		path := filepath.Join(objects, fmt.Sprintf("object-n%d.ts", i))
		def := &analysis.Definition{
			Path:          path,
			Export:        analysis.ExportDefine,
			StateType:     "State",
			ExportedTypes: []string{"Item"},
			Fields: map[string]*analysis.Field{
				"sqlite":  {Key: "sqlite", Kind: analysis.KindBool, Bool: i%2 == 0},
				"methods": {Key: "methods", Kind: analysis.KindObject},
				"fetch":   {Key: "fetch", Kind: analysis.KindFunction},
			},
			Methods: []analysis.Method{
				{Name: "add", Form: analysis.FormMethod, Async: true, ReturnType: "Promise<Item[]>",
					Params: []analysis.Param{{Name: "item", Type: "Item"}, {Name: "limit", Default: "10", DefaultKin: analysis.KindNumber}}},
				{Name: "count", Form: analysis.FormArrow, ReturnType: "number"},
				{Name: "tag", Form: analysis.FormFunction, Params: []analysis.Param{{Name: "tags", Type: "string[]", Rest: true}}},
			},
		}
		entries = append(entries, analysis.NewEntry(path, def))
	}
	return &analysis.App{Root: root, ObjectsDir: objects, Manifest: analysis.BuildManifest(entries)}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkGenerate plans every types and classes file of a generated app whose
// output is already on disk (the `generate --check` case: render, read, compare).
// Nothing is written while timing.
func BenchmarkGenerate(b *testing.B) {
	for _, n := range []int{100, 10000} {
		b.Run(fmt.Sprintf("objects=%d", n), func(b *testing.B) {
			app := benchApp(b, n)
			opts := Options{Targets: TargetTypes | TargetClasses}
			// Plain writes for the set-up: Apply's fsync per file would dominate it.
			for path, content := range Render(app, opts.Targets) {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					b.Fatal(err)
				}
				if err := os.WriteFile(path, content, 0o644); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			// CPU time (user+sys, all threads) is reported too: on a busy machine it
			// says more than wall time.
			before := cpuTime()
			for b.Loop() {
				changes, err := Plan(app, opts)
				if err != nil || len(changes) != 0 {
					b.Fatalf("plan: %d changes, %v", len(changes), err)
				}
			}
			b.ReportMetric(float64(cpuTime()-before)/float64(b.N)/1e6, "cpu-ms/op")
		})
	}
}
