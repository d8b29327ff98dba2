// This file defines safe writes for generate (the data-safety promise): temp file in the same
// folder, fsync, rename, mode kept; nothing outside the app root; one run at a time.

package codegen

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/safefs"
)

// ErrOutsideRoot is returned for a path that is not inside the app root.
var ErrOutsideRoot = safefs.ErrOutsideRoot

// lockFile serialises generate runs on one app (see lockRoot).
const lockFile = ".cloudwerk/.generate.lock"

// CheckWrite refuses a write to path unless it lands inside root once every
// symbolic link is resolved (safefs.CheckInside), and unless path is itself a
// link (replacing it would turn the user's link into a plain file). The CLI,
// the server's commands and the edits the server hands to clients all ask it.
func CheckWrite(root, path string) error {
	if err := safefs.CheckInside(root, path); err != nil {
		return err
	}
	if fi, err := safefs.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		return fmt.Errorf("%s: refusing to replace a symbolic link", path)
	}
	return nil
}

// ErrReadOnly is returned for a file without write permission: generate does
// not replace a file its owner made read-only (as root, rename would).
var ErrReadOnly = errors.New("is read-only")

// WriteFileAtomic replaces path (inside root) with data so that readers see
// either the old or the new content, never a mix: the data goes to a temp file
// in the same folder, is synced, and is renamed over path. An existing file's
// mode is kept; a new file gets 0644.
func WriteFileAtomic(root, path string, data []byte) error {
	return writeFileAtomic(root, path, data, nil)
}

// beforeRename, when set by tests, runs right before the final rename.
var beforeRename func(path string)

// writeFileAtomic is WriteFileAtomic with recheck, run right before the rename
// (after the slow part: the write and the fsync), so that a save landing in
// the meantime is seen and kept. An existing file's mode and owner are kept,
// and a read-only file is refused.
func writeFileAtomic(root, path string, data []byte, recheck func() error) error {
	if err := CheckWrite(root, path); err != nil {
		return err
	}
	mode := fs.FileMode(0o644)
	var old fs.FileInfo
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
		old = fi
		if mode&0o200 == 0 {
			return fmt.Errorf("%s %w (mode %#o): make it writable to let generate update it", path, ErrReadOnly, mode)
		}
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
	if old != nil {
		if err := keepOwner(tmp, old); err != nil {
			return fmt.Errorf("keep the owner of %s: %w", path, err)
		}
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	if beforeRename != nil {
		beforeRename(path)
	}
	if recheck != nil {
		if err := recheck(); err != nil {
			return err
		}
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
	if err := CheckWrite(root, path); err != nil {
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

// lockRoot takes the app's generate lock, waiting for another run to finish
// (onWait, when set, is told once that it waits). The lock file is checked
// like any write: a symlinked .cloudwerk or a lock link leading out of the
// root is refused, and the open does not follow a link.
func lockRoot(root string, onWait func(lock string)) (unlock func(), err error) {
	path := filepath.Join(root, filepath.FromSlash(lockFile))
	if err := CheckWrite(root, path); err != nil {
		return nil, fmt.Errorf("generate lock: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	return lockPath(path, onWait)
}

// removeStaleTemps deletes the temp files a killed run left next to path
// (".<name>.tmp-*"). Only generate makes them, and only while it holds the
// lock, so under the lock every one of them is stale.
func removeStaleTemps(path string) {
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "."+globEscape(filepath.Base(path))+".tmp-*"))
	for _, m := range matches {
		if fi, err := os.Lstat(m); err == nil && fi.Mode().IsRegular() {
			_ = os.Remove(m)
		}
	}
}

// globEscape quotes the pattern characters of a file name.
func globEscape(name string) string {
	var b strings.Builder
	for _, r := range name {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
