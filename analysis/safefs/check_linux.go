//go:build linux

package safefs

import (
	"path/filepath"

	"golang.org/x/sys/unix"
)

// Checker checks recorded inputs again. Consecutive paths in one folder (the
// record is sorted by path) are stat'ed relative to that folder, opened once,
// so the kernel walks one name per file instead of the whole path. It is used
// by one goroutine at a time; Close releases it.
type Checker struct {
	dir string
	fd  int // -1: no folder open
}

// NewChecker returns a Checker with no folder open.
func NewChecker() *Checker { return &Checker{fd: -1} }

// Close releases the open folder.
func (c *Checker) Close() {
	if c.fd >= 0 {
		unix.Close(c.fd)
		c.fd = -1
	}
}

// Unchanged is the package's Unchanged, through the open folder.
func (c *Checker) Unchanged(in Input, racyBefore int64) bool {
	if in.Kind != InputStat && in.Kind != InputLstat {
		return Unchanged(in, racyBefore)
	}
	dir, name := filepath.Split(in.Path)
	if dir == "" || name == "" {
		return Unchanged(in, racyBefore)
	}
	if dir != c.dir {
		c.Close()
		c.dir = dir
		for {
			fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
			if err != unix.EINTR {
				if err == nil {
					c.fd = fd
				}
				break
			}
		}
	}
	if c.fd < 0 {
		return Unchanged(in, racyBefore) // the folder is gone or unreadable: the full path says how
	}
	flags := 0
	if in.Kind == InputLstat {
		flags = unix.AT_SYMLINK_NOFOLLOW
	}
	var st unix.Stat_t
	err := unix.Fstatat(c.fd, name, &st, flags)
	for err == unix.EINTR {
		err = unix.Fstatat(c.fd, name, &st, flags)
	}
	if err != nil {
		return Unchanged(in, racyBefore) // errors are rare: the full path decides them
	}
	now := Stamp{
		Mode: st.Mode, Size: st.Size,
		MTime: st.Mtim.Nano(), CTime: st.Ctim.Nano(),
		Ino: st.Ino, Dev: st.Dev,
	}
	return in.Errno == 0 && now == in.Stamp && now.MTime < racyBefore && now.CTime < racyBefore
}
