package codegen

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/internal/testutil"
	"golang.org/x/tools/txtar"
)

// loadArchiveApp writes the archive's input files (everything outside .cloudwerk/)
// to a temp dir and loads it as an app.
func loadArchiveApp(t testing.TB, ar *txtar.Archive) *analysis.App {
	t.Helper()
	root := t.TempDir()
	testutil.WriteArchive(t, root, ar, func(name string) bool { return strings.HasPrefix(name, ".cloudwerk/") })
	return loadApp(t, root)
}

func loadApp(t testing.TB, root string) *analysis.App {
	t.Helper()
	app, err := analysis.LoadApp(root)
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// TestGolden renders types and classes for each testdata/golden/*.txtar app and
// compares every generated file with the archive's .cloudwerk/ sections. The
// shared runtime is kept only in demo-app.txtar (it does not depend on the app).
func TestGolden(t *testing.T) {
	t.Setenv(analysis.CacheEnv, "off")
	paths, err := filepath.Glob("testdata/golden/*.txtar")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden archives: %v", err)
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			app := loadArchiveApp(t, ar)
			keepRuntime := filepath.Base(path) == "demo-app.txtar"
			got := map[string][]byte{}
			for abs, content := range Render(app, TargetTypes|TargetClasses) {
				rel := filepath.ToSlash(strings.TrimPrefix(abs, app.Root+string(filepath.Separator)))
				if strings.HasSuffix(rel, "/"+RuntimeFile) && !keepRuntime {
					continue
				}
				got[rel] = content
			}
			if testutil.Update() {
				writeGolden(t, path, ar, got)
				return
			}
			want := map[string][]byte{}
			for _, f := range ar.Files {
				if strings.HasPrefix(f.Name, ".cloudwerk/") {
					want[f.Name] = f.Data
				}
			}
			for name, content := range got {
				w, ok := want[name]
				if !ok {
					t.Errorf("%s: generated but not in the golden file (run with -update)", name)
					continue
				}
				if !bytes.Equal(w, content) {
					t.Errorf("%s differs from the golden file (run with -update):\n%s", name,
						Diff(".", []FileChange{{Path: name, Old: w, Exists: true, New: content}}))
				}
			}
			for name := range want {
				if _, ok := got[name]; !ok {
					t.Errorf("%s: in the golden file but no longer generated", name)
				}
			}
		})
	}
}

func writeGolden(t *testing.T, path string, ar *txtar.Archive, got map[string][]byte) {
	t.Helper()
	out := &txtar.Archive{Comment: ar.Comment}
	for _, f := range ar.Files {
		if !strings.HasPrefix(f.Name, ".cloudwerk/") {
			out.Files = append(out.Files, f)
		}
	}
	names := make([]string, 0, len(got))
	for name := range got {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		out.Files = append(out.Files, txtar.File{Name: name, Data: got[name]})
	}
	if err := os.WriteFile(path, txtar.Format(out), 0o644); err != nil {
		t.Fatal(err)
	}
}
