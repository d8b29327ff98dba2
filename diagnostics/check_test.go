package diagnostics

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/cloudwerk/cloudwerk-lsp/internal/testutil"
)

// writeArchive writes the archive's files (all but want/*) below dir.
func writeArchive(t testing.TB, ar *txtar.Archive, dir string) {
	t.Helper()
	testutil.WriteArchive(t, dir, ar, func(name string) bool { return strings.HasPrefix(name, "want/") })
}

// TestCheckGolden runs RunCheck over each txtar app (real loading and
// extraction) and compares every output format with its golden file.
func TestCheckGolden(t *testing.T) {
	t.Setenv("CLOUDWERK_LSP_CACHE", "off")
	testutil.EachArchive(t, "testdata/check/*.txtar", func(t *testing.T, file string, ar *txtar.Archive) {
		dir := t.TempDir()
		writeArchive(t, ar, dir)
		t.Chdir(dir)
		res, err := RunCheck(nil, Options{Severity: othersOff})
		if err != nil {
			t.Fatal(err)
		}
		changed := false
		for _, format := range Formats {
			p, _ := NewPrinter(format)
			var buf bytes.Buffer
			if err := p.Print(&buf, res); err != nil {
				t.Fatal(err)
			}
			name := "want/" + format
			i := fileIndex(ar, name)
			if testutil.Update() {
				if i < 0 {
					ar.Files = append(ar.Files, txtar.File{Name: name})
					i = len(ar.Files) - 1
				}
				if !bytes.Equal(ar.Files[i].Data, buf.Bytes()) {
					ar.Files[i].Data = buf.Bytes()
					changed = true
				}
				continue
			}
			if i < 0 {
				t.Errorf("%s: no %s (run with -update)", file, name)
				continue
			}
			if got, want := buf.String(), string(ar.Files[i].Data); got != want {
				t.Errorf("%s differs (run with -update to accept):\n--- got\n%s\n--- want\n%s", name, got, want)
			}
		}
		if changed {
			if err := os.WriteFile(filepath.Join(origDir, file), txtar.Format(ar), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// othersOff turns off the wrangler drift and staleness codes, which have their
// own tests: these goldens pin the object/route rules and the printers.
var othersOff = map[Code]Severity{
	KVStorage: 0, StorageChanged: 0, WranglerConfig: 0, ConfigAmbiguous: 0, BindingMissing: 0, BindingMismatch: 0,
	BindingOrphaned: 0, MigrationMissing: 0, LedgerInvalid: 0, OrphanedClass: 0, GeneratedStale: 0,
}

// origDir is the package folder (tests chdir into temp dirs).
var origDir, _ = os.Getwd()

func fileIndex(ar *txtar.Archive, name string) int {
	for i, f := range ar.Files {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// RunCheck tells Progress about each app of a monorepo, in order, before loading it.
func TestRunCheckReportsProgressPerApp(t *testing.T) {
	root := t.TempDir()
	for _, app := range []string{"a", "b"} {
		p := filepath.Join(root, app, "app", "objects", "counter.ts")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("export default defineDurableObject({ methods: { a() {} } })\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var seen []string
	_, err := RunCheck([]string{root}, Options{Progress: func(i, n int, r string) {
		seen = append(seen, fmt.Sprintf("%d/%d %s", i, n, filepath.Base(r)))
	}})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(seen, ","); got != "1/2 a,2/2 b" {
		t.Errorf("progress = %q, want 1/2 a,2/2 b", got)
	}
}
