package analysis

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// writeTree creates entries below root: "a/b.ts" is a file, "a/c/" a folder and
// "a/l -> target" a symlink (target as written, usually relative).
func writeTree(t testing.TB, root string, specs ...string) {
	t.Helper()
	for _, s := range specs {
		if name, target, ok := strings.Cut(s, " -> "); ok {
			p := filepath.Join(root, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(target, p); err != nil {
				t.Fatal(err)
			}
			continue
		}
		p := filepath.Join(root, s)
		if strings.HasSuffix(s, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("// "+s+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// relPaths makes paths relative to root (slash-separated) for readable comparisons.
func relPaths(t testing.TB, root string, paths []string) []string {
	t.Helper()
	out := []string{}
	for _, p := range paths {
		r, err := filepath.Rel(root, p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, filepath.ToSlash(r))
	}
	return out
}

func fileErrorPaths(t testing.TB, root string, errs []FileError) []string {
	var ps []string
	for _, e := range errs {
		ps = append(ps, e.Path)
	}
	return relPaths(t, root, ps)
}

func TestDiscover(t *testing.T) {
	layout := []string{
		"app/objects/counter.ts",
		"app/objects/chat-room.ts",
		"app/objects/widget.tsx",
		"app/objects/helper.js",
		"app/objects/legacy.jsx",
		"app/objects/counter.test.ts",
		"app/objects/counter.spec.tsx",
		"app/objects/types.d.ts",
		"app/objects/index.ts",
		"app/objects/index.tsx",
		"app/objects/index.js",
		"app/objects/README.md",
		"app/objects/noext",
		"app/objects/sub/nested.ts",
		"app/objects/sub/index.ts",
		"app/objects/sub/nested.test.ts",
		"app/objects/sub/deeper/deep.tsx",
		"app/objects/node_modules/pkg/x.ts",
		"app/objects/.cache/y.ts",
		"app/routes/index.ts",
		"app/routes/api/rooms.tsx",
		"app/routes/api/types.d.ts",
		"app/routes/script.js",
		"app/node_modules/dep/index.ts",
		"app/.hidden/secret.ts",
		"src/objects/other.ts",
		"src/page.ts",
	}
	for _, tc := range []struct {
		name       string
		appDir     string
		exts       []string
		wantObj    []string
		wantNested []string
		wantRoutes []string
	}{
		{
			name:   "defaults",
			appDir: "app", exts: []string{".ts", ".tsx"},
			wantObj:    []string{"app/objects/chat-room.ts", "app/objects/counter.ts", "app/objects/widget.tsx"},
			wantNested: []string{"app/objects/sub/deeper/deep.tsx", "app/objects/sub/nested.ts"},
			wantRoutes: []string{"app/routes/api/rooms.tsx", "app/routes/index.ts"},
		},
		{
			name:   "js extensions; index.js is not excluded (parity)",
			appDir: "app", exts: []string{".ts", ".js", ".jsx"},
			wantObj:    []string{"app/objects/chat-room.ts", "app/objects/counter.ts", "app/objects/helper.js", "app/objects/index.js", "app/objects/legacy.jsx"},
			wantNested: []string{"app/objects/sub/nested.ts"},
			wantRoutes: []string{"app/routes/index.ts", "app/routes/script.js"},
		},
		{
			name:   "custom appDir",
			appDir: "src", exts: []string{".ts", ".tsx"},
			wantObj:    []string{"src/objects/other.ts"},
			wantNested: []string{},
			wantRoutes: []string{"src/page.ts"},
		},
		{
			name:   "no objects folder",
			appDir: "missing", exts: []string{".ts"},
			wantObj: []string{}, wantNested: []string{}, wantRoutes: []string{},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			writeTree(t, root, layout...)
			d := Discover(Config{Root: root, AppDir: tc.appDir, Extensions: tc.exts})
			check := func(what string, got, want []string) {
				t.Helper()
				if g := relPaths(t, root, got); !slices.Equal(g, want) {
					t.Errorf("%s = %q, want %q", what, g, want)
				}
			}
			check("Objects", d.Objects, tc.wantObj)
			check("Nested", d.Nested, tc.wantNested)
			check("Routes", d.Routes, tc.wantRoutes)
			if len(d.FileErrors) != 0 {
				t.Errorf("FileErrors = %v", d.FileErrors)
			}
		})
	}
}

func TestIsObjectFileName(t *testing.T) {
	exts := []string{".ts", ".tsx"}
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"counter.ts", true},
		{"chat-room.tsx", true},
		{"Counter.ts", true}, // discovered; INVALID_NAME is the rule's job
		{"counter.test.ts", false},
		{"counter.spec.ts", false},
		{"counter.test.tsx", false},
		{"a.test.b.ts", false},
		{"types.d.ts", false},
		{"index.ts", false},
		{"index.tsx", false},
		{"counter.js", false},
		{"counter", false},
		{"counter.ts.bak", false},
		{"latest.ts", true},
		{"contest.ts", true},
	} {
		if got := IsObjectFileName(tc.name, exts); got != tc.want {
			t.Errorf("IsObjectFileName(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// discoverWithin fails the test instead of hanging when a walk does not end.
func discoverWithin(t *testing.T, cfg Config) Discovery {
	t.Helper()
	done := make(chan Discovery, 1)
	go func() { done <- Discover(cfg) }()
	select {
	case d := <-done:
		return d
	case <-time.After(20 * time.Second):
		t.Fatal("Discover did not finish: a symlink loop is followed")
		return Discovery{}
	}
}

func TestDiscoverSymlinks(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root,
		"shared/real.ts",
		"shared/more/extra.ts",
		"app/objects/counter.ts",
		"app/objects/linked.ts -> ../../shared/real.ts", // a symlinked object file is read through
		"app/objects/dangling.ts -> ../../shared/missing.ts",
		"app/objects/dangling.md -> nowhere", // not object-looking: ignored
		"app/objects/dir.ts/",                // a folder named like an object file
		"app/objects/alias -> ../../shared/more",
		"app/objects/sub/loop -> ..", // back to objects/: a loop
		"app/objects/sub/self -> .",  // to itself: a loop
		"app/objects/ping -> pong",   // ping -> pong -> ping: the OS reports ELOOP
		"app/objects/pong -> ping",
		"app/objects/sub/again -> ../alias", // a second way into a folder already walked
	)
	d := discoverWithin(t, Config{Root: root, AppDir: "app", Extensions: []string{".ts"}})
	if got, want := relPaths(t, root, d.Objects), []string{"app/objects/counter.ts", "app/objects/linked.ts"}; !slices.Equal(got, want) {
		t.Errorf("Objects = %q, want %q", got, want)
	}
	// extra.ts is reached through alias (or sub/again); each real folder is walked once.
	if got := relPaths(t, root, d.Nested); len(got) != 1 || !strings.HasSuffix(got[0], "/extra.ts") {
		t.Errorf("Nested = %q, want one path to extra.ts", got)
	}
	want := []string{
		"app/objects/dangling.ts",
		"app/objects/dir.ts",
		"app/objects/ping",
		"app/objects/pong",
		"app/objects/sub/loop",
		"app/objects/sub/self",
	}
	if got := fileErrorPaths(t, root, d.FileErrors); !slices.Equal(got, want) {
		t.Errorf("FileErrors = %q, want %q\n%v", got, want, d.FileErrors)
	}
	for _, e := range d.FileErrors {
		if strings.HasSuffix(e.Path, "loop") && !strings.Contains(e.Err, "symlink loop") {
			t.Errorf("loop reported as %q", e.Err)
		}
	}
}

func TestDiscoverObjectsLinkedFolder(t *testing.T) {
	// objects/ itself may be a symlink (a shared package in a monorepo).
	root := t.TempDir()
	writeTree(t, root, "lib/objects/counter.ts", "lib/objects/sub/x.ts", "app/objects -> ../lib/objects")
	d := discoverWithin(t, Config{Root: root, AppDir: "app", Extensions: []string{".ts"}})
	if got := relPaths(t, root, d.Objects); !slices.Equal(got, []string{"app/objects/counter.ts"}) {
		t.Errorf("Objects = %q", got)
	}
	if got := relPaths(t, root, d.Nested); !slices.Equal(got, []string{"app/objects/sub/x.ts"}) {
		t.Errorf("Nested = %q", got)
	}
}

func TestDiscoverDeepTree(t *testing.T) {
	// Deeper than the walk bound: reported once, no stack growth, no hang.
	root := t.TempDir()
	deep := filepath.Join(root, "app", "objects")
	for range maxWalkDepth + 5 {
		deep = filepath.Join(deep, "d")
	}
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(deep, "x.ts"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	d := discoverWithin(t, Config{Root: root, AppDir: "app", Extensions: []string{".ts"}})
	if len(d.Nested) != 0 {
		t.Errorf("Nested = %v, want none beyond the bound", d.Nested)
	}
	if len(d.FileErrors) != 1 || !strings.Contains(d.FileErrors[0].Err, "too deep") {
		t.Errorf("FileErrors = %v, want one 'too deep'", d.FileErrors)
	}
}

func TestDiscoverRouteTreeProblems(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root,
		"app/objects/counter.ts",
		"app/routes/ok.ts",
		"app/routes/broken.ts -> missing.ts",  // a route-like dangling link: reported
		"app/routes/.#ok.ts -> user@host.123", // an editor lock file: ignored
		"app/routes/notes.md -> missing.md",   // not route-like and just missing: ignored
		"app/routes/again -> ..",              // a loop: reported, never followed
	)
	d := discoverWithin(t, Config{Root: root, AppDir: "app", Extensions: []string{".ts"}})
	if got := relPaths(t, root, d.Routes); !slices.Equal(got, []string{"app/routes/ok.ts"}) {
		t.Errorf("Routes = %q", got)
	}
	if got, want := fileErrorPaths(t, root, d.FileErrors), []string{"app/routes/again", "app/routes/broken.ts"}; !slices.Equal(got, want) {
		t.Errorf("FileErrors = %q, want %q", got, want)
	}
}

func TestDiscoverUnlistableObjects(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, "app/objects/counter.ts")
	objects := filepath.Join(root, "app", "objects")
	if err := os.Chmod(objects, 0); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(objects, 0o755)
	if _, err := os.ReadDir(objects); err == nil {
		t.Skip("permissions are not enforced for this user (root)")
	}
	d := Discover(Config{Root: root, AppDir: "app", Extensions: []string{".ts"}})
	if got := fileErrorPaths(t, root, d.FileErrors); !slices.Equal(got, []string{"app/objects"}) {
		t.Errorf("FileErrors = %q, want the objects folder", got)
	}
}

func TestDiscoverReportsAFIFOAmongObjectsWithoutOpeningIt(t *testing.T) {
	root := t.TempDir()
	objects := filepath.Join(root, "app", "objects")
	if err := os.MkdirAll(objects, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(objects, "counter.ts"), []byte("export default 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"pipe.ts", "notes.txt"} {
		if err := syscall.Mkfifo(filepath.Join(objects, name), 0o644); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
	}
	app, err := LoadApp(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(app.FileErrors) != 1 || filepath.Base(app.FileErrors[0].Path) != "pipe.ts" || !strings.Contains(app.FileErrors[0].Err, "FIFO") {
		t.Fatalf("file errors = %+v, want one for pipe.ts naming the FIFO", app.FileErrors)
	}
	if app.Manifest.Lookup(filepath.Join(objects, "counter.ts")) == nil {
		t.Fatal("the readable object was not loaded")
	}
}
