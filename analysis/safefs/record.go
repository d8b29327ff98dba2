// This file defines the record of what a run reads: every file read or
// stat'ed, every path probed and found absent, every folder listed and every
// link resolved, each with the stamp it had. A CLI run keeps it (with its
// output) so that the next run with the same inputs can replay the output
// after only re-stating them. Every read of the engine packages goes through
// the functions here (a guard test enforces it), so no read escapes the record.
//
// Recording is off unless a run starts it (the language server never does);
// off, each function costs one atomic load on top of the plain call.

package safefs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
)

// InputKind says how an input was looked at, and so how it is checked again.
type InputKind uint8

const (
	// InputStat is a path stat'ed following links: a file read or stat'ed, a
	// folder listed (its change time moves when an entry is added, removed or
	// renamed), a path found absent.
	InputStat InputKind = iota + 1
	// InputLstat is a path stat'ed without following a final link.
	InputLstat
	// InputResolve is a path whose links were resolved; Target holds the result.
	InputResolve
)

// Stamp identifies one state of a file system entry: its type and permission
// bits, size, modification and change times (UnixNano; the change time cannot
// be set back by the user) and identity.
type Stamp struct {
	Mode         uint32
	Size         int64
	MTime, CTime int64
	Ino, Dev     uint64
}

// Input is one thing a run looked at and what it found.
type Input struct {
	Kind   InputKind
	Path   string
	Errno  uint32 // non-zero: the stat (or resolve) failed with this error; Stamp is zero
	Stamp  Stamp
	Target string // InputResolve: the resolved path
}

// recorder collects the inputs of one run.
type recorder struct {
	mu sync.Mutex
	// Fixed-size chunks, not one growing slice: a run at 10,000 objects records
	// some 40,000 inputs, and a slice doubling as it grows would hold up to twice
	// their memory at the run's peak.
	chunks [][]Input
	// unsure is set when something was read in a way the record cannot check
	// again (an error that may be transient, a platform without change times).
	unsure bool
}

var active atomic.Pointer[recorder]

// Record starts recording the inputs of this process's reads. stop ends it and
// returns them; complete is false when some read cannot be checked again from
// its stamp (a transient error, for example), so the run must not be replayed.
func Record() (stop func() (inputs []Input, complete bool)) {
	r := &recorder{}
	active.Store(r)
	return func() ([]Input, bool) {
		active.CompareAndSwap(r, nil)
		r.mu.Lock()
		defer r.mu.Unlock()
		n := 0
		for _, c := range r.chunks {
			n += len(c)
		}
		inputs := make([]Input, 0, n)
		for _, c := range r.chunks {
			inputs = append(inputs, c...)
		}
		r.chunks = nil
		return inputs, !r.unsure
	}
}

// Recording reports whether reads are being recorded (callers that take their
// own stamps, see RecordStat, skip the work otherwise).
func Recording() bool { return active.Load() != nil }

func (r *recorder) add(in Input) {
	r.mu.Lock()
	defer r.mu.Unlock()
	// A file is usually looked at twice in a row (stat'ed, then read; stamped,
	// then compared): the same input again is dropped. A few workers record at
	// once, so the last few inputs are compared, not only the last.
	if n := len(r.chunks); n > 0 {
		last := r.chunks[n-1]
		for i := len(last) - 1; i >= max(0, len(last)-8); i-- {
			if last[i] == in {
				return
			}
		}
	}
	if n := len(r.chunks); n == 0 || len(r.chunks[n-1]) == cap(r.chunks[n-1]) {
		r.chunks = append(r.chunks, make([]Input, 0, 1024))
	}
	last := &r.chunks[len(r.chunks)-1]
	*last = append(*last, in)
}

func (r *recorder) markUnsure() {
	r.mu.Lock()
	r.unsure = true
	r.mu.Unlock()
}

// RecordReadError notes a read that failed after its open succeeded (EIO, for
// example): nothing in a stamp explains it, so the run's record is unsure and
// the run is not replayed. For readers that make their own system calls.
func RecordReadError(error) {
	if r := active.Load(); r != nil {
		r.markUnsure()
	}
}

// addInfo records the outcome of a stat (or lstat) of path.
func (r *recorder) addInfo(kind InputKind, path string, info fs.FileInfo, err error) {
	if err != nil {
		r.addErr(kind, path, err)
		return
	}
	st, ok := stampOfInfo(info)
	if !ok {
		r.markUnsure()
		return
	}
	r.add(Input{Kind: kind, Path: path, Stamp: st})
}

// addErr records a failed look at path. Only errors that the path's state
// decides (it is absent, a component is not a folder, permission, a link loop)
// can be checked again; anything else (EIO, too many open files) makes the
// record unsure.
func (r *recorder) addErr(kind InputKind, path string, err error) {
	var errno syscall.Errno
	if !errors.As(err, &errno) || !stableErrno(errno) {
		r.markUnsure()
		return
	}
	r.add(Input{Kind: kind, Path: path, Errno: uint32(errno)})
}

// recordStatOf records a stat of path taken now, for a read that failed before
// it had a descriptor to stamp (the open was refused): the path's stamp covers
// why (a change of permissions moves its change time).
func (r *recorder) recordStatOf(path string) {
	info, err := os.Stat(path)
	r.addInfo(InputStat, path, info, err)
}

// Stat is os.Stat, recorded.
func Stat(path string) (fs.FileInfo, error) {
	info, err := os.Stat(path)
	if r := active.Load(); r != nil {
		r.addInfo(InputStat, path, info, err)
	}
	return info, err
}

// Lstat is os.Lstat, recorded.
func Lstat(path string) (fs.FileInfo, error) {
	info, err := os.Lstat(path)
	if r := active.Load(); r != nil {
		r.addInfo(InputLstat, path, info, err)
	}
	return info, err
}

// IsFile reports whether path is a regular file (following links), recorded.
func IsFile(path string) bool {
	info, err := Stat(path)
	return err == nil && info.Mode().IsRegular()
}

// IsDir reports whether path is a folder (following links), recorded.
func IsDir(path string) bool {
	info, err := Stat(path)
	return err == nil && info.IsDir()
}

// ReadDir is os.ReadDir, recorded: the folder's stamp stands for its listing.
func ReadDir(path string) ([]fs.DirEntry, error) {
	r := active.Load()
	if r == nil {
		return os.ReadDir(path)
	}
	f, err := os.Open(path)
	if err != nil {
		r.recordStatOf(path)
		return nil, err
	}
	defer f.Close()
	// The stamp is taken before the listing: a change made while listing moves it.
	info, err := f.Stat()
	if err != nil {
		r.markUnsure()
		return nil, err
	}
	r.addInfo(InputStat, path, info, nil)
	entries, err := f.ReadDir(-1)
	if err != nil {
		r.markUnsure()
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, err
}

// EvalSymlinks is filepath.EvalSymlinks, recorded (the check resolves again).
func EvalSymlinks(path string) (string, error) {
	real, err := filepath.EvalSymlinks(path)
	if r := active.Load(); r != nil {
		in := Input{Kind: InputResolve, Path: path, Target: real}
		if err != nil {
			var errno syscall.Errno
			if !errors.As(err, &errno) || !stableErrno(errno) {
				r.markUnsure()
				return real, err
			}
			in.Errno = uint32(errno)
		}
		r.add(in)
	}
	return real, err
}

// Readlink is os.Readlink, recorded as an lstat of the link (a link is
// replaced, never edited, so its stamp changes with its target).
func Readlink(path string) (string, error) {
	target, err := os.Readlink(path)
	if r := active.Load(); r != nil {
		info, lerr := os.Lstat(path)
		r.addInfo(InputLstat, path, info, lerr)
	}
	return target, err
}

// WalkDir is filepath.WalkDir (lexical order, the root lstat'ed, links not
// followed) through the recorded Lstat and ReadDir.
func WalkDir(root string, fn fs.WalkDirFunc) error {
	info, err := Lstat(root)
	if err != nil {
		err = fn(root, nil, err)
	} else {
		err = walkDir(root, fs.FileInfoToDirEntry(info), fn)
	}
	if err == filepath.SkipDir || err == filepath.SkipAll {
		return nil
	}
	return err
}

func walkDir(path string, d fs.DirEntry, fn fs.WalkDirFunc) error {
	if err := fn(path, d, nil); err != nil || !d.IsDir() {
		if err == filepath.SkipDir && d.IsDir() {
			err = nil // the folder is skipped, the walk goes on
		}
		return err
	}
	entries, err := ReadDir(path)
	if err != nil {
		// Second call for the folder, with the error: it may skip or stop.
		if err = fn(path, d, err); err != nil {
			if err == filepath.SkipDir && d.IsDir() {
				err = nil
			}
			return err
		}
	}
	for _, e := range entries {
		if err := walkDir(filepath.Join(path, e.Name()), e, fn); err != nil {
			if err == filepath.SkipDir {
				break // fn skipped the rest of this folder
			}
			return err
		}
	}
	return nil
}

// Unchanged reports whether in still holds: the path stats (or resolves) as it
// did. A stamp whose modification or change time is not older than racyBefore
// (UnixNano) does not count as unchanged: the file could have been modified in
// the same clock tick as it was recorded and kept its stamp.
func Unchanged(in Input, racyBefore int64) bool {
	switch in.Kind {
	case InputResolve:
		real, err := filepath.EvalSymlinks(in.Path)
		if in.Errno != 0 {
			var errno syscall.Errno
			return err != nil && errors.As(err, &errno) && uint32(errno) == in.Errno
		}
		return err == nil && real == in.Target
	case InputStat, InputLstat:
		st, errno, ok := statNow(in.Path, in.Kind == InputLstat)
		if !ok || errno != in.Errno {
			return false
		}
		if errno != 0 {
			return true
		}
		return st == in.Stamp && st.MTime < racyBefore && st.CTime < racyBefore
	}
	return false
}
