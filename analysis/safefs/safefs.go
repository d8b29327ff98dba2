// Package safefs is how every part of cloudwerk-lsp touches a path that a
// client, a workspace or a file name can point anywhere: reads take regular
// files only, bounded in size, with an open that never blocks (a FIFO, a
// device or /dev/zero gets an error, never a hang or an out-of-memory death);
// writes go only where a path resolves inside the workspace root once every
// symbolic link, dangling ones included, is followed.
package safefs

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
)

// MaxFileSize bounds every read. Source and config files are far smaller; a
// larger file is reported, not read.
const MaxFileSize = 32 << 20

// ErrNotRegular is returned for a path that is not a regular file (a FIFO, a
// device, a socket or a folder).
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is returned for a file above MaxFileSize.
var ErrTooLarge = fmt.Errorf("larger than %d MiB", MaxFileSize>>20)

// ErrOutsideRoot is returned for a path that resolves outside the workspace root.
var ErrOutsideRoot = errors.New("outside the workspace root")

// ReadFile reads a regular file of at most MaxFileSize bytes. Errors are
// *fs.PathError values wrapping ErrNotRegular, ErrTooLarge or the system's error.
func ReadFile(path string) ([]byte, error) { return readFile(path, -1, active.Load()) }

// ReadFileSized is ReadFile for a file whose size a stat just reported; the
// size only sizes the buffer (the file is still read to its end, within the cap).
func ReadFileSized(path string, size int64) ([]byte, error) {
	return readFile(path, size, active.Load())
}

// ReadOwnFile is ReadFile for the tool's own files (its caches): they change
// how fast a run is, never what it outputs, so reading them is not recorded
// as an input of the run.
func ReadOwnFile(path string) ([]byte, error) { return readFile(path, -1, nil) }

// kindOf names a non-regular file mode for messages.
func kindOf(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m.IsDir():
		return "a folder"
	}
	return "not a regular file"
}

// NotRegular is the error for a file of mode m that is not a regular file:
// it wraps ErrNotRegular and names what the file is.
func NotRegular(path string, m fs.FileMode) error {
	return &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("%w (%s)", ErrNotRegular, kindOf(m))}
}

// Within reports whether path is root or below it.
func Within(root, path string) bool {
	// Fast path for the common case, without filepath.Rel's allocations: both
	// absolute and clean (so neither holds a ".." element) and path extends root
	// by at least one element.
	if len(path) > len(root) && path[len(root)] == filepath.Separator && strings.HasPrefix(path, root) &&
		filepath.IsAbs(root) && filepath.Clean(root) == root && filepath.Clean(path) == path {
		return true
	}
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// Resolve returns the absolute path with every symbolic link resolved, also
// when path or some of its folders do not exist yet (the missing tail is kept
// as written) and when a link dangles (its target is followed as written).
func Resolve(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	for range 64 {
		// The deepest prefix that exists (as a name: a dangling link exists).
		p, rest := abs, ""
		for {
			_, err := Lstat(p)
			if err == nil {
				break
			}
			parent := filepath.Dir(p)
			if !errors.Is(err, fs.ErrNotExist) || parent == p {
				return "", err
			}
			rest = filepath.Join(filepath.Base(p), rest)
			p = parent
		}
		real, err := EvalSymlinks(p)
		if err == nil {
			return filepath.Join(real, rest), nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		// p's folders resolve (its Lstat succeeded), so p itself is a dangling
		// link: follow it by hand and resolve again.
		target, err := Readlink(p)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(p), target)
		}
		abs = filepath.Join(target, rest)
	}
	return "", &fs.PathError{Op: "resolve", Path: path, Err: errors.New("too many symbolic links")}
}

// CheckInside returns an error unless path, with every symbolic link resolved
// (see Resolve), lies inside root (resolved too). It is the one check in front
// of every write and rename, and of every edit handed to a client.
func CheckInside(root, path string) error {
	realRoot, err := Resolve(root)
	if err != nil {
		return fmt.Errorf("resolve %s: %w", root, err)
	}
	real, err := Resolve(path)
	if err != nil {
		return fmt.Errorf("resolve %s: %w", path, err)
	}
	if !Within(realRoot, real) {
		if abs, _ := filepath.Abs(path); abs != real {
			return fmt.Errorf("%s: %w %s (it leads to %s through a symbolic link)", path, ErrOutsideRoot, root, real)
		}
		return fmt.Errorf("%s: %w %s", path, ErrOutsideRoot, root)
	}
	return nil
}
