//go:build unix

// This file defines the generate lock on Unix: flock(2) on a lock file, which
// also excludes a second run in the same process (each open is its own lock).

package codegen

import (
	"fmt"
	"os"
	"syscall"
)

func lockPath(path string, onWait func(lock string)) (func(), error) {
	// O_NOFOLLOW: a lock file swapped for a link after the check is not followed.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock %s: %w", path, err)
	}
	err = flock(f, syscall.LOCK_EX|syscall.LOCK_NB)
	if err == syscall.EWOULDBLOCK {
		if onWait != nil {
			onWait(path)
		}
		err = flock(f, syscall.LOCK_EX)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

func flock(f *os.File, how int) error {
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if err != syscall.EINTR {
			return err
		}
	}
}
