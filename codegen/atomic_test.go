package codegen

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
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
	if err := CheckWrite(root, filepath.Join(root, "ok", "x.ts")); err != nil {
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
			unlock, err := lockRoot(root, nil)
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

// change plans replacing path's current content (or its absence) with data.
func change(t *testing.T, path, data string) FileChange {
	t.Helper()
	old, err := os.ReadFile(path)
	return FileChange{Path: path, Old: old, Exists: err == nil, New: []byte(data)}
}

func TestApplyKeepsASaveThatLandsBeforeTheRename(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, "wrangler.toml")
	if err := os.WriteFile(path, []byte("name = \"a\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := change(t, path, "name = \"generated\"\n")
	beforeRename = func(string) {
		// The editor saves while generate is between its check and its rename.
		if err := os.WriteFile(path, []byte("name = \"saved by the editor\"\n"), 0o644); err != nil {
			t.Error(err)
		}
	}
	t.Cleanup(func() { beforeRename = nil })
	if err := Apply(root, []FileChange{c}); !errors.Is(err, ErrConflict) {
		t.Fatalf("Apply = %v, want ErrConflict", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "name = \"saved by the editor\"\n" {
		t.Fatalf("the editor's save was overwritten: %q", data)
	}
	assertNoTempFiles(t, root)
}

func TestWriteRefusesAReadOnlyFile(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, "wrangler.toml")
	if err := os.WriteFile(path, []byte("keep"), 0o444); err != nil {
		t.Fatal(err)
	}
	err := Apply(root, []FileChange{change(t, path, "x")})
	if !errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), "0444") {
		t.Fatalf("Apply = %v, want ErrReadOnly naming the mode", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "keep" {
		t.Fatalf("a read-only file was replaced: %q", data)
	}
	assertNoTempFiles(t, root)
}

func TestWriteKeepsTheOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("giving a file to another user needs root")
	}
	root := t.TempDir()
	path := filepath.Join(root, "wrangler.toml")
	if err := os.WriteFile(path, []byte("one"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(path, 4321, 4322); err != nil {
		t.Fatal(err)
	}
	if err := Apply(root, []FileChange{change(t, path, "two")}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if st.Uid != 4321 || st.Gid != 4322 || fi.Mode().Perm() != 0o640 {
		t.Fatalf("after generate: owner %d:%d mode %v, want 4321:4322 0640", st.Uid, st.Gid, fi.Mode().Perm())
	}
}

func TestApplyRemovesTempFilesAKilledRunLeft(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, "wrangler.toml")
	stale := filepath.Join(root, ".wrangler.toml.tmp-123456")
	other := filepath.Join(root, ".other.toml.tmp-1")
	for _, p := range []string{stale, other} {
		if err := os.WriteFile(p, []byte("half"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := Apply(root, []FileChange{change(t, path, "x")}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the killed run's temp file is still there: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Fatalf("a temp file of a file generate did not write was removed: %v", err)
	}
}

func TestApplySaysWhenItWaitsForTheLock(t *testing.T) {
	root := t.TempDir()
	unlock, err := lockRoot(root, nil)
	if err != nil {
		t.Fatal(err)
	}
	waited := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- ApplyWith(root, []FileChange{change(t, filepath.Join(root, "a.ts"), "x")}, ApplyOptions{OnLockWait: func(lock string) { waited <- lock }})
	}()
	select {
	case lock := <-waited:
		if filepath.Base(lock) != ".generate.lock" {
			t.Errorf("waiting on %s", lock)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Apply waited for the lock without saying so")
	}
	unlock()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestLockRefusesLinksLeadingOut(t *testing.T) {
	outside := t.TempDir()
	// A symlinked .cloudwerk folder.
	root := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(root, ".cloudwerk")); err != nil {
		t.Skip("no symlinks:", err)
	}
	if _, err := lockRoot(root, nil); !errors.Is(err, ErrOutsideRoot) {
		t.Fatalf("lock through a symlinked .cloudwerk: %v", err)
	}
	// A dangling lock link.
	root2 := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root2, ".cloudwerk"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "planted"), filepath.Join(root2, ".cloudwerk", ".generate.lock")); err != nil {
		t.Fatal(err)
	}
	if _, err := lockRoot(root2, nil); !errors.Is(err, ErrOutsideRoot) {
		t.Fatalf("lock through a dangling link: %v", err)
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Fatalf("files appeared outside the root: %v", entries)
	}
}
