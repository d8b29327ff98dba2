package analysis

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/cloudwerk/cloudwerk-lsp/internal/testutil"
)

// dumpApp prints a loaded app with paths relative to its root: what discovery
// found, the names of every entry, what extraction saw, and the duplicates.
func dumpApp(t testing.TB, app *App) string {
	t.Helper()
	r := func(p string) string {
		s, err := filepath.Rel(app.Root, p)
		if err != nil {
			t.Fatal(err)
		}
		return filepath.ToSlash(s)
	}
	var b strings.Builder
	cfgFile := "none"
	if app.Config.File != "" {
		cfgFile = r(app.Config.File)
	}
	fmt.Fprintf(&b, "config appDir=%s extensions=%v file=%s\n", app.Config.AppDir, app.Config.Extensions, cfgFile)
	fmt.Fprintf(&b, "objects dir %s\n", r(app.ObjectsDir))
	for _, e := range app.Manifest.Entries {
		var methods []string
		for _, m := range e.Def.Methods {
			methods = append(methods, m.Name)
		}
		fmt.Fprintf(&b, "entry %s file=%s object=%s class=%s binding=%s fromConfig=%v export=%d methods=%v valid=%v\n",
			r(e.Path), e.FileName, e.ObjectName, e.ClassName, e.BindingName, e.NameFromConfig, e.Def.Export, methods, ValidObjectName(e.ObjectName))
		if e.Def.Path != e.Path || len(e.Def.Hash) != 64 {
			t.Errorf("%s: definition path %q, hash %q", e.Path, e.Def.Path, e.Def.Hash)
		}
		for _, d := range app.Manifest.Duplicates(e) {
			fmt.Fprintf(&b, "  duplicate of %s\n", r(d.Path))
		}
	}
	for _, n := range app.Nested {
		fmt.Fprintf(&b, "nested %s\n", r(n))
	}
	for _, fe := range app.FileErrors {
		fmt.Fprintf(&b, "file error %s\n", r(fe.Path))
	}
	for _, rf := range app.Routes {
		fmt.Fprintf(&b, "route %s refs=%d\n", r(rf.Path), len(rf.Refs))
	}
	if app.Wrangler != nil {
		fmt.Fprintf(&b, "wrangler %s\n", r(app.Wrangler.Path))
	}
	return b.String()
}

// TestLoadAppGolden loads every testdata/apps/*.txtar that has a "want" section
// and compares the dump; -update rewrites the sections.
func TestLoadAppGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "apps", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		want := slices.IndexFunc(ar.Files, func(f txtar.File) bool { return f.Name == "want" })
		if want < 0 {
			continue
		}
		ran++
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			root := t.TempDir()
			testutil.WriteArchive(t, root, ar, func(name string) bool { return name == "want" })
			app, err := loadApp(root, "", LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			got := dumpApp(t, app)
			if testutil.Update() {
				ar.Files[want].Data = []byte(got)
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if string(ar.Files[want].Data) != got {
				t.Errorf("loaded app differs from %s (go test -update to accept):\n--- got\n%s--- want\n%s", file, got, ar.Files[want].Data)
			}
		})
	}
	if ran == 0 {
		t.Fatal("no app fixtures")
	}
}

func TestFindAppsMonorepo(t *testing.T) {
	ar, err := txtar.ParseFile(filepath.Join("testdata", "apps", "monorepo.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	testutil.WriteArchive(t, root, ar, func(name string) bool { return name == "want" })
	wantAll := []string{"apps/admin", "apps/web", "packages/worker", "tools/nested/deeper/svc"}
	for _, tc := range []struct {
		name string
		dirs []string
		want []string
	}{
		{"root", []string{"."}, wantAll},
		{"an app stands for itself", []string{"apps/web"}, []string{"apps/web"}},
		{"a folder inside an app is searched below", []string{"apps/web/examples"}, []string{"apps/web/examples"}},
		{"overlapping dirs are not reported twice", []string{".", "apps/admin", "apps"}, wantAll},
		{"no app", []string{"apps/docs"}, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var dirs []string
			for _, d := range tc.dirs {
				dirs = append(dirs, filepath.Join(root, d))
			}
			got, err := FindApps(dirs...)
			if err != nil {
				t.Fatal(err)
			}
			if g := relPaths(t, root, got); !slices.Equal(g, tc.want) {
				t.Errorf("FindApps(%q) = %q, want %q", tc.dirs, g, tc.want)
			}
		})
	}
	if _, err := FindApps(filepath.Join(root, "missing")); err == nil {
		t.Error("FindApps on a missing folder: no error")
	}
	if _, err := FindApps(filepath.Join(root, "package.json")); err == nil {
		t.Error("FindApps on a file: no error")
	}
}

func TestLoadAppFileErrors(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root,
		"app/objects/counter.ts",
		"app/objects/gone.ts -> ../../nowhere.ts", // dangling: the file vanished
		"app/objects/folder.ts/",                  // not a file
		"app/objects/locked.ts",
		"app/routes/locked.ts",
	)
	locked := []string{filepath.Join(root, "app/objects/locked.ts"), filepath.Join(root, "app/routes/locked.ts")}
	for _, p := range locked {
		if err := os.Chmod(p, 0); err != nil {
			t.Fatal(err)
		}
	}
	_, readErr := os.ReadFile(locked[0])
	readable := readErr == nil // root ignores permissions: then they load like any file
	app, err := loadApp(root, "", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"app/objects/folder.ts", "app/objects/gone.ts"}
	wantObjects := []string{"app/objects/counter.ts", "app/objects/locked.ts"}
	if !readable {
		want = []string{"app/objects/folder.ts", "app/objects/gone.ts", "app/objects/locked.ts", "app/routes/locked.ts"}
		wantObjects = []string{"app/objects/counter.ts"}
	}
	if got := fileErrorPaths(t, root, app.FileErrors); !slices.Equal(got, want) {
		t.Errorf("FileErrors = %q, want %q (%v)", got, want, app.FileErrors)
	}
	var objects []string
	for _, e := range app.Manifest.Entries {
		objects = append(objects, e.Path)
	}
	if got := relPaths(t, root, objects); !slices.Equal(got, wantObjects) {
		t.Errorf("objects = %q, want %q", got, wantObjects)
	}
}

func TestLoadFileVanished(t *testing.T) {
	// A file listed by discovery and deleted before it is read.
	jobs := []loadJob{{path: filepath.Join(t.TempDir(), "gone.ts")}}
	runJobs(jobs, nil, nil, nil)
	if jobs[0].err == nil {
		t.Fatal("no error for a vanished file")
	}
}

func TestLoadAppNotAFolder(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "file")
	if err := os.WriteFile(f, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{f, filepath.Join(dir, "missing")} {
		if _, err := LoadApp(p); err == nil {
			t.Errorf("LoadApp(%s): no error", p)
		}
	}
}

// TestLoadAppConcurrent loads one app from many goroutines sharing one cache
// folder (run with -race): every load sees the whole app and the cache stays usable.
func TestLoadAppConcurrent(t *testing.T) {
	root := generateApp(t, t.TempDir(), 40)
	cacheDir := t.TempDir()
	want := dumpApp(t, mustLoad(t, root, ""))
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			app, err := loadApp(root, cacheDir, LoadOptions{})
			if err != nil {
				t.Error(err)
				return
			}
			if got := dumpApp(t, app); got != want {
				t.Errorf("concurrent load differs:\n%s\nwant:\n%s", got, want)
			}
		})
	}
	wg.Wait()
	if c := openCache(cacheDir, root); len(c.records) != 42 {
		t.Errorf("cache holds %d records after concurrent runs, want 42", len(c.records))
	}
}

func mustLoad(t testing.TB, root, cacheDir string) *App {
	t.Helper()
	app, err := loadApp(root, cacheDir, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return app
}
