//go:build !unix

package safefs

import (
	"io/fs"
	"syscall"
)

// Without change times and identities a stamp cannot be trusted: a record
// made here is always unsure, so no run is ever replayed.

func stampOfInfo(fs.FileInfo) (Stamp, bool) { return Stamp{}, false }

// ChangeTime is the change time of a stat's result; there is none here.
func ChangeTime(fs.FileInfo) (int64, bool) { return 0, false }

func statNow(string, bool) (Stamp, uint32, bool) { return Stamp{}, 0, false }

func stableErrno(syscall.Errno) bool { return false }

func (r *recorder) recordFailedOpen(string, error) { r.markUnsure() }
