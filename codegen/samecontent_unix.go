//go:build unix

// This file defines sameContent on Unix with plain system calls: comparing an
// unchanged file then costs open, two reads and close, without the descriptor
// set-up os.Open does (poller registration, non-blocking mode) that a one-shot
// read of a regular file does not need.
package codegen

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"syscall"
)

// sameContent reports whether the file at path holds exactly want. It reads at
// most len(want)+1 bytes into *buf, so a longer file is not read to its end.
func sameContent(path string, want []byte, buf *[]byte) (bool, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read %s: %w", path, &fs.PathError{Op: "open", Path: path, Err: err})
	}
	defer syscall.Close(fd)
	if cap(*buf) < len(want)+1 {
		*buf = make([]byte, len(want)+1)
	}
	b := (*buf)[:len(want)+1]
	n := 0
	for n < len(b) {
		m, err := syscall.Read(fd, b[n:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return false, fmt.Errorf("read %s: %w", path, &fs.PathError{Op: "read", Path: path, Err: err})
		}
		if m <= 0 {
			break // end of file
		}
		n += m
	}
	return n == len(want) && bytes.Equal(b[:n], want), nil
}
