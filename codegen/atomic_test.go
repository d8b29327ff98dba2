package codegen

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestWriteFileAtomicKeepsMode(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, "sub", "file.ts")
	if err := WriteFileAtomic(root, path, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Fatalf("new file mode = %v, want 0644", fi.Mode().Perm())
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(root, path, []byte("two")); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	data, _ := os.ReadFile(path)
	if fi.Mode().Perm() != 0o600 || string(data) != "two" {
		t.Fatalf("after rewrite: mode %v content %q; want 0600 \"two\"", fi.Mode().Perm(), data)
	}
	assertNoTempFiles(t, root)
}

func TestWriteFileAtomicRefusesEscapes(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(root, "link")); err != nil {
		t.Skip("no symlinks:", err)
	}
	target := filepath.Join(outside, "target.ts")
	if err := os.WriteFile(target, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(root, "file-link.ts")); err != nil {
		t.Fatal(err)
	}
	tests := []string{
		filepath.Join(outside, "x.ts"),             // plainly outside
		filepath.Join(root, "a", "..", "..", "x"),  // .. out of the root
		filepath.Join(root, "link", "x.ts"),        // through a symlinked folder
		filepath.Join(root, "link", "new", "x.ts"), // through it, into a folder not yet made
		filepath.Join(root, "file-link.ts"),        // replacing a symlink
	}
	for _, path := range tests {
		if err := WriteFileAtomic(root, path, []byte("x")); err == nil {
			t.Errorf("WriteFileAtomic(%s) succeeded", path)
		}
	}
	if data, _ := os.ReadFile(target); string(data) != "keep" {
		t.Fatal("the file behind the symlink was changed")
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 1 {
		t.Fatalf("files appeared outside the root: %v", entries)
	}
	if err := checkInside(root, filepath.Join(root, "ok", "x.ts")); err != nil {
		t.Fatalf("a path inside the root was refused: %v", err)
	}
}

func TestLockExcludesConcurrentRuns(t *testing.T) {
	root := t.TempDir()
	var inside, overlaps atomic.Int32
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unlock, err := lockRoot(root)
			if err != nil {
				t.Error(err)
				return
			}
			if inside.Add(1) != 1 {
				overlaps.Add(1)
			}
			time.Sleep(2 * time.Millisecond) // hold the lock long enough for others to try
			inside.Add(-1)
			unlock()
		}()
	}
	wg.Wait()
	if overlaps.Load() != 0 {
		t.Fatalf("%d runs held the lock at the same time", overlaps.Load())
	}
}

func TestRemoveInside(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, "gone.ts")
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := removeInside(root, path); err != nil {
		t.Fatal(err)
	}
	if err := removeInside(root, path); err != nil {
		t.Fatalf("removing a missing file: %v", err)
	}
	if err := removeInside(root, filepath.Join(t.TempDir(), "x")); !errors.Is(err, ErrOutsideRoot) {
		t.Fatalf("removing outside the root: %v", err)
	}
}
