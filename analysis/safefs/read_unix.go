//go:build unix

package safefs

import (
	"io/fs"
	"os"
	"syscall"
)

// readFile (recording into rec when not nil) opens without blocking (O_NONBLOCK: opening a FIFO with no writer
// would wait forever), checks on the open descriptor that it is a regular file
// within the cap, then reads it with plain system calls.
func readFile(path string, size int64, rec *recorder) ([]byte, error) {
	if size < 0 {
		// Without a caller's stat, refuse what is plainly not a file before even
		// opening it (opening some devices has effects); the check on the
		// descriptor below is the one that counts.
		if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
			if rec != nil {
				rec.addInfo(InputStat, path, fi, nil)
			}
			return nil, NotRegular(path, fi.Mode())
		}
	}
	const mode = syscall.O_RDONLY | syscall.O_CLOEXEC | syscall.O_NONBLOCK
	fd, err := syscall.Open(path, mode, 0)
	for err == syscall.EINTR {
		fd, err = syscall.Open(path, mode, 0)
	}
	if err != nil {
		if rec != nil {
			rec.recordFailedOpen(path, err)
		}
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		if rec != nil {
			rec.markUnsure()
		}
		return nil, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	if rec != nil {
		// The stamp of what is about to be read: a change while reading moves it.
		rec.add(Input{Kind: InputStat, Path: path, Stamp: stampOf(&st)})
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		fi, err := os.Stat(path)
		m := fs.ModeIrregular
		if err == nil {
			m = fi.Mode()
		}
		return nil, NotRegular(path, m)
	}
	if st.Size > MaxFileSize {
		return nil, &fs.PathError{Op: "read", Path: path, Err: ErrTooLarge}
	}
	if size < 0 {
		size = st.Size
	}
	buf := make([]byte, 0, min(max(size, 0), MaxFileSize)+1) // +1: EOF is seen without growing
	for {
		if len(buf) > MaxFileSize {
			return nil, &fs.PathError{Op: "read", Path: path, Err: ErrTooLarge} // it grew while read
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := syscall.Read(fd, buf[len(buf):cap(buf)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			if rec != nil {
				rec.markUnsure()
			}
			return nil, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if n <= 0 {
			return buf, nil
		}
		buf = buf[:len(buf)+n]
	}
}
