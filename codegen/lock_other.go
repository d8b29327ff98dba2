//go:build !unix

// This file defines the generate lock where flock(2) is missing: a process-wide
// mutex plus an exclusively created lock file, retried until it is free.

package codegen

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"time"
)

var processLock sync.Mutex

func lockPath(path string, onWait func(lock string)) (func(), error) {
	processLock.Lock()
	waited := false
	deadline := time.Now().Add(30 * time.Second)
	for {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			f.Close()
			return func() { os.Remove(path); processLock.Unlock() }, nil
		}
		if !errors.Is(err, fs.ErrExist) || time.Now().After(deadline) {
			processLock.Unlock()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if !waited && onWait != nil {
			onWait(path)
		}
		waited = true
		time.Sleep(50 * time.Millisecond)
	}
}
