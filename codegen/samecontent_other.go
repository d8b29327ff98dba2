//go:build !linux

// This file defines the comparison of planned files with the disk where the
// Linux system calls are not used.
package codegen

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// contentReader compares files with the content they should hold. It is used by
// one goroutine at a time; close releases it.
type contentReader struct {
	buf []byte // reused between files: most of them are unchanged
}

func newContentReader() *contentReader { return &contentReader{} }

func (r *contentReader) close() {}

// same reports whether the file at path holds exactly want. It reads at most
// len(want)+1 bytes, so a longer file is not read to its end.
func (r *contentReader) same(path string, want []byte) (bool, error) {
	buf := &r.buf
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	if cap(*buf) < len(want)+1 {
		*buf = make([]byte, len(want)+1)
	}
	b := (*buf)[:len(want)+1]
	n, err := io.ReadFull(f, b)
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
	case err != nil:
		return false, fmt.Errorf("read %s: %w", path, err)
	}
	return n == len(want) && bytes.Equal(b[:n], want), nil
}
