// This file defines safe writes for generate (SPEC §7): temp file in the same
// folder, fsync, rename, mode kept; nothing outside the app root; one run at a time.
package codegen

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrOutsideRoot is returned for a path that is not inside the app root.
var ErrOutsideRoot = errors.New("path is outside the app root")

// lockFile serialises generate runs on one app (see lockRoot).
const lockFile = ".cloudwerk/.generate.lock"

// checkInside refuses path unless it lies inside root, also after resolving
// symbolic links of the folders that already exist.
func checkInside(root, path string) error {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return err
	}
	absPath, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	if !within(absRoot, absPath) {
		return fmt.Errorf("%s: %w %s", path, ErrOutsideRoot, root)
	}
	realRoot, err := filepath.EvalSymlinks(absRoot)
	if err != nil {
		return fmt.Errorf("resolve %s: %w", root, err)
	}
	// Resolve the deepest folder that exists: a symlinked folder must not lead out.
	dir := filepath.Dir(absPath)
	for {
		real, err := filepath.EvalSymlinks(dir)
		if err == nil {
			rest, _ := filepath.Rel(dir, filepath.Dir(absPath))
			if !within(realRoot, filepath.Join(real, rest)) {
				return fmt.Errorf("%s: %w %s (through a symbolic link)", path, ErrOutsideRoot, root)
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) || dir == filepath.Dir(dir) {
			return fmt.Errorf("resolve %s: %w", dir, err)
		}
		dir = filepath.Dir(dir)
	}
	// The file itself must not be a symlink pointing elsewhere.
	if fi, err := os.Lstat(absPath); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		return fmt.Errorf("%s: refusing to replace a symbolic link", path)
	}
	return nil
}

func within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// WriteFileAtomic replaces path (inside root) with data so that readers see
// either the old or the new content, never a mix: the data goes to a temp file
// in the same folder, is synced, and is renamed over path. An existing file's
// mode is kept; a new file gets 0644.
func WriteFileAtomic(root, path string, data []byte) error {
	if err := checkInside(root, path); err != nil {
		return err
	}
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		return fmt.Errorf("chmod %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename into %s: %w", path, err)
	}
	done = true
	syncDir(dir)
	return nil
}

// removeInside deletes a generated file that no longer belongs.
func removeInside(root, path string) error {
	if err := checkInside(root, path); err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	syncDir(filepath.Dir(path))
	return nil
}

// syncDir makes a rename durable; best effort (not every system can sync a folder).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// lockRoot takes the app's generate lock, waiting for another run to finish.
func lockRoot(root string) (unlock func(), err error) {
	path := filepath.Join(root, filepath.FromSlash(lockFile))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	return lockPath(path)
}
