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

	"github.com/cloudwerk/cloudwerk-lsp/analysis/safefs"
)

// contentReader compares files with the content they should hold. It is used by
// one goroutine at a time; close releases it.
type contentReader struct {
	buf []byte // reused between files: most of them are unchanged
}

func newContentReader() *contentReader { return &contentReader{} }

func (r *contentReader) close() {}

// same reports whether the file at path holds exactly want, and the stamp of the
// file it read (zero when it does not exist). It reads at most len(want)+1
// bytes, so a longer file is not read to its end.
func (r *contentReader) same(path string, want []byte) (bool, fileStamp, error) {
	buf := &r.buf
	if fi, err := safefs.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return false, fileStamp{}, nil // a FIFO or device in place of a generated file is stale, never read
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, fileStamp{}, nil
	}
	if err != nil {
		return false, fileStamp{}, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	var stamp fileStamp
	if info, err := f.Stat(); err == nil && info.Mode().IsRegular() {
		stamp = fileStamp{Size: info.Size(), MTime: info.ModTime().UnixNano()}
	}
	if cap(*buf) < len(want)+1 {
		*buf = make([]byte, len(want)+1)
	}
	b := (*buf)[:len(want)+1]
	n, err := io.ReadFull(f, b)
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
	case err != nil:
		safefs.RecordReadError(err)
		return false, stamp, fmt.Errorf("read %s: %w", path, err)
	}
	return n == len(want) && bytes.Equal(b[:n], want), stamp, nil
}

// stamp returns the stamp of the file at path; false when it cannot be taken.
// Without a change time, only the size and modification time identify it.
func (r *contentReader) stamp(path string) (fileStamp, bool) {
	info, err := safefs.Stat(path)
	if err != nil || !info.Mode().IsRegular() {
		return fileStamp{}, false
	}
	return fileStamp{Size: info.Size(), MTime: info.ModTime().UnixNano()}, true
}
