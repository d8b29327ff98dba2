package safefs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestReadFileTakesRegularFilesOnly(t *testing.T) {
	dir := t.TempDir()
	regular := filepath.Join(dir, "a.ts")
	if err := os.WriteFile(regular, []byte("export default 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.ts")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	big := filepath.Join(dir, "big.ts")
	if err := os.WriteFile(big, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, MaxFileSize+1); err != nil { // sparse: nothing is written
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path string
		want error
		text string
	}{
		{regular, nil, ""},
		{fifo, ErrNotRegular, "a FIFO"},
		{"/dev/zero", ErrNotRegular, "a character device"},
		{"/dev/null", ErrNotRegular, "a character device"},
		{dir, ErrNotRegular, "a folder"},
		{big, ErrTooLarge, "MiB"},
		{filepath.Join(dir, "missing.ts"), os.ErrNotExist, ""},
	} {
		for _, read := range []func(string) ([]byte, error){ReadFile, func(p string) ([]byte, error) { return ReadFileSized(p, 10) }} {
			done := make(chan error, 1)
			go func() { _, err := read(tc.path); done <- err }()
			select {
			case err := <-done:
				if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
					t.Errorf("%s: err = %v, want %v", tc.path, err, tc.want)
				}
				if err != nil && !strings.Contains(err.Error(), tc.text) {
					t.Errorf("%s: message %q does not say %q", tc.path, err, tc.text)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("%s: the read blocked", tc.path)
			}
		}
	}
}

func TestCheckInsideFollowsEveryLink(t *testing.T) {
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(base, "root")
	outside := filepath.Join(base, "outside")
	for _, d := range []string{filepath.Join(root, "app", "objects"), outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, name string) {
		t.Helper()
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	link(outside, "out-dir")                                  // a folder leading out
	link(filepath.Join(outside, "gone.toml"), "dangling")     // a dangling link leading out
	link(filepath.Join(root, "app", "new.ts"), "dangling-in") // a dangling link staying in
	link(filepath.Join(root, "app"), "app-link")              // a folder staying in
	link("loop", "loop")                                      // a loop
	for _, tc := range []struct {
		rel string
		ok  bool
	}{
		{"app/objects/a.ts", true},
		{"app/objects/new/deeper/a.ts", true},
		{"app-link/objects/a.ts", true},
		{"dangling-in", true},
		{"out-dir", false},
		{"out-dir/x.ts", false},
		{"out-dir/missing/x.ts", false},
		{"dangling", false},
		{"loop", false},
		{"../outside/x", false},
	} {
		err := CheckInside(root, filepath.Join(root, tc.rel))
		if (err == nil) != tc.ok {
			t.Errorf("%s: err = %v, want ok=%v", tc.rel, err, tc.ok)
		}
		if err != nil && tc.rel != "loop" && !errors.Is(err, ErrOutsideRoot) {
			t.Errorf("%s: err = %v, want ErrOutsideRoot", tc.rel, err)
		}
	}
}
