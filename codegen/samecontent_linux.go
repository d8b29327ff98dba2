//go:build linux

// This file defines the comparison of planned files with the disk on Linux,
// with plain system calls: an unchanged file costs openat relative to its
// folder (opened once per run of files in it, so the path is not walked again),
// two reads and close, without the descriptor set-up os.Open does (poller
// registration, non-blocking mode) that a one-shot read of a regular file does
// not need.

package codegen

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"syscall"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/safefs"
)

// contentReader compares files with the content they should hold. It is used by
// one goroutine at a time; close releases it.
type contentReader struct {
	buf   []byte // reused between files (sameBlock bytes)
	dir   string // the folder dirfd refers to
	dirfd int    // -1 when no folder is open
}

func newContentReader() *contentReader { return &contentReader{dirfd: -1} }

func (r *contentReader) close() {
	if r.dirfd >= 0 {
		syscall.Close(r.dirfd)
		r.dirfd = -1
	}
}

// open opens path for reading, relative to its folder's descriptor when the
// folder can be opened, else by its full path.
func (r *contentReader) open(path string) (int, error) {
	dir, name := filepath.Split(path)
	if dir != r.dir || r.dirfd < 0 {
		r.close()
		r.dir = dir
		if dir != "" && name != "" {
			if fd, err := openRetry(-1, dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC); err == nil {
				r.dirfd = fd
			}
		}
	}
	// O_NONBLOCK: a FIFO in place of a generated file must not block the open;
	// reading it then ends at once and it counts as stale.
	const flags = syscall.O_RDONLY | syscall.O_CLOEXEC | syscall.O_NONBLOCK
	if r.dirfd < 0 {
		return openRetry(-1, path, flags)
	}
	return openRetry(r.dirfd, name, flags)
}

// openRetry opens name relative to dirfd, or name as a path when dirfd is -1.
func openRetry(dirfd int, name string, flags int) (int, error) {
	for {
		var fd int
		var err error
		if dirfd < 0 {
			fd, err = syscall.Open(name, flags, 0)
		} else {
			fd, err = syscall.Openat(dirfd, name, flags, 0)
		}
		if err != syscall.EINTR {
			return fd, err
		}
	}
}

// same reports whether the file at path holds exactly want, and the stamp of the
// file it read (taken from the open descriptor before reading; zero when the
// file does not exist). It reads at most len(want)+1 bytes, so a longer file is
// not read to its end.
func (r *contentReader) same(path string, want []byte) (bool, fileStamp, error) {
	fd, err := r.open(path)
	if err != nil {
		safefs.RecordStat(path, nil, err)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return false, fileStamp{}, nil
	}
	if err != nil {
		return false, fileStamp{}, fmt.Errorf("read %s: %w", path, &fs.PathError{Op: "open", Path: path, Err: err})
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	var stamp fileStamp
	err = syscall.Fstat(fd, &st)
	safefs.RecordStat(path, &st, err) // before reading: a change while reading moves it
	if err == nil && st.Mode&syscall.S_IFMT == syscall.S_IFREG {
		stamp = stampOf(&st)
	}
	// Compare a block at a time: a large file (the types file of a big app is
	// megabytes) needs no buffer of its size.
	if r.buf == nil {
		r.buf = make([]byte, sameBlock)
	}
	n := 0 // bytes of want matched so far
	for {
		// At most what is left of want plus one byte: a longer file is not read to its end.
		b := r.buf[:min(len(r.buf), len(want)-n+1)]
		m, err := syscall.Read(fd, b)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			safefs.RecordReadError(err)
			return false, stamp, fmt.Errorf("read %s: %w", path, &fs.PathError{Op: "read", Path: path, Err: err})
		}
		if m <= 0 {
			return n == len(want), stamp, nil // end of file
		}
		if n+m > len(want) || !bytes.Equal(b[:m], want[n:n+m]) {
			return false, stamp, nil
		}
		n += m
	}
}

// sameBlock is how much of a file same reads at once.
const sameBlock = 64 << 10

// stamp returns the stamp of the file at path without opening it; false when
// it cannot be taken or is not a regular file.
func (r *contentReader) stamp(path string) (fileStamp, bool) {
	var st syscall.Stat_t
	err := syscall.Stat(path, &st)
	for err == syscall.EINTR {
		err = syscall.Stat(path, &st)
	}
	safefs.RecordStat(path, &st, err)
	if err != nil || st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return fileStamp{}, false
	}
	return stampOf(&st), true
}

// stampOf is the identity and change times of a stat: the change time (ctime)
// cannot be set back by the user, unlike the modification time.
func stampOf(st *syscall.Stat_t) fileStamp {
	return fileStamp{Size: st.Size, MTime: st.Mtim.Nano(), CTime: st.Ctim.Nano(), Ino: st.Ino, Dev: uint64(st.Dev)}
}
