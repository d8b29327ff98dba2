//go:build unix

package safefs

import (
	"errors"
	"io/fs"
	"syscall"
)

// stampOf is the stamp of a stat.
func stampOf(st *syscall.Stat_t) Stamp {
	return Stamp{
		Mode: uint32(st.Mode), Size: st.Size,
		MTime: timespecNano(statMtime(st)), CTime: timespecNano(statCtime(st)),
		Ino: uint64(st.Ino), Dev: uint64(st.Dev),
	}
}

func timespecNano(t syscall.Timespec) int64 { return int64(t.Sec)*1e9 + int64(t.Nsec) }

// stampOfInfo is the stamp behind an os.FileInfo of a stat.
func stampOfInfo(info fs.FileInfo) (Stamp, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return Stamp{}, false
	}
	return stampOf(st), true
}

// ChangeTime is the change time (UnixNano) of a stat's result: unlike the
// modification time it cannot be set back (touch -r, cp -p, rsync -t and tar
// restore modification times). ok is false where the platform has none.
func ChangeTime(info fs.FileInfo) (ctime int64, ok bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return timespecNano(statCtime(st)), true
}

// statNow stats path (without following a final link with lstat) and returns
// its stamp, or the error number it fails with; ok is false for an error that
// says nothing about the path (the check then fails).
func statNow(path string, lstat bool) (st Stamp, errno uint32, ok bool) {
	var s syscall.Stat_t
	var err error
	for {
		if lstat {
			err = syscall.Lstat(path, &s)
		} else {
			err = syscall.Stat(path, &s)
		}
		if err != syscall.EINTR {
			break
		}
	}
	if err == nil {
		return stampOf(&s), 0, true
	}
	var e syscall.Errno
	if errors.As(err, &e) && stableErrno(e) {
		return Stamp{}, uint32(e), true
	}
	return Stamp{}, 0, false
}

// stableErrno reports whether errno is decided by the file system's state
// (which the record checks again), not by the moment.
func stableErrno(e syscall.Errno) bool {
	switch e {
	case syscall.ENOENT, syscall.ENOTDIR, syscall.EACCES, syscall.EPERM, syscall.ELOOP, syscall.ENAMETOOLONG:
		return true
	}
	return false
}

// RecordStat records a stat of path that a caller took with its own system
// calls (an fstat of a descriptor it opened, before reading it; err non-nil
// when the open or stat failed). It is for readers tuned below os and this
// package's reader; a no-op unless recording.
func RecordStat(path string, st *syscall.Stat_t, err error) {
	r := active.Load()
	if r == nil {
		return
	}
	if err != nil {
		r.recordFailedOpen(path, err)
		return
	}
	r.add(Input{Kind: InputStat, Path: path, Stamp: stampOf(st)})
}

// recordFailedOpen records a path whose open failed: absent (or under a
// non-folder) as such, anything else (permission) by the path's stamp.
func (r *recorder) recordFailedOpen(path string, err error) {
	var e syscall.Errno
	if errors.As(err, &e) && (e == syscall.ENOENT || e == syscall.ENOTDIR) {
		r.add(Input{Kind: InputStat, Path: path, Errno: uint32(e)})
		return
	}
	if !errors.As(err, &e) || !stableErrno(e) {
		r.markUnsure()
	}
	r.recordStatOf(path)
}
