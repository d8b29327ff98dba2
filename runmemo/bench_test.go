package runmemo

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/safefs"
	"github.com/cloudwerk/cloudwerk-lsp/internal/benchapp"
)

// BenchmarkReplayCheck is the work of a replay past process start: decode the
// memo of an app of N objects (each object file and a generated class, as a
// warm check records them) and stat every input again.
func BenchmarkReplayCheck(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("objects=%d", n), func(b *testing.B) {
			root := b.TempDir()
			if err := benchapp.WriteObjects(root, n); err != nil {
				b.Fatal(err)
			}
			gen := filepath.Join(root, ".cloudwerk", "generated", "objects")
			if err := os.MkdirAll(gen, 0o755); err != nil {
				b.Fatal(err)
			}
			stop := safefs.Record()
			for i := range n {
				os.WriteFile(filepath.Join(gen, fmt.Sprintf("Obj%d.ts", i)), []byte("export class X {}\n"), 0o644)
				safefs.ReadFile(filepath.Join(gen, fmt.Sprintf("Obj%d.ts", i)))
			}
			safefs.WalkDir(filepath.Join(root, "app"), func(path string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					safefs.Stat(path) // as the load does for each object file
				}
				return nil
			})
			inputs, _ := stop()
			started := time.Now().Add(time.Hour).UnixNano() // nothing is racy
			inputs, ok := normalize(inputs, started-int64(RacyWindow))
			if !ok {
				b.Fatal("normalize refused the record")
			}
			data := encode(&memo{started: started, inputs: inputs, events: []event{{stream: streamStdout, data: []byte("ok\n")}}}, []byte("key"))
			for b.Loop() {
				m, err := decode(data, []byte("key"))
				if err != nil || !unchanged(m.inputs, m.started-int64(RacyWindow)) {
					b.Fatal("not replayable", err)
				}
			}
			b.ReportMetric(float64(len(inputs)), "inputs")
			b.ReportMetric(float64(len(data)), "memo-bytes")
		})
	}
}
