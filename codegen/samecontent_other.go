//go:build !unix

// This file defines sameContent on systems without the Unix system calls.
package codegen

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// sameContent reports whether the file at path holds exactly want. It reads at
// most len(want)+1 bytes into *buf, so a longer file is not read to its end.
func sameContent(path string, want []byte, buf *[]byte) (bool, error) {
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
