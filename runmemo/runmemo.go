// Package runmemo replays a CLI run whose inputs have not changed since it was
// recorded, the way build systems skip up-to-date steps: a run records every
// input it reads (analysis/safefs: each file read or stat'ed, each path found
// absent, each folder listed, each link resolved, with its stamp) and the exact
// bytes it wrote to stdout, stderr and its --output file, and its exit code.
// The next run with the same key (command, arguments, working folder, build,
// the environment that changes output) stats every recorded input again; when
// every stamp matches and none is "racy" (modified within the timestamp
// granularity of the recording run's start, as git's index rule), it writes
// the recorded output and exits with the recorded code. Anything else, a
// damaged memo included, is a normal run, which records a fresh memo.
//
// Only runs that change nothing in the app are recorded (the caller says so);
// the memo lives in the cache folder (analysis.CacheDir), so
// CLOUDWERK_LSP_CACHE=off disables it.
package runmemo

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/safefs"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/varbin"
)

// Key is what, besides its inputs, decides a run's output.
type Key struct {
	Command string
	Args    []string // as given
	// Whether stdout and stderr are terminals (progress is shown on a terminal).
	StdoutTerminal, StderrTerminal bool
}

// Env turns the memo off with the value "off" (the caches stay on): for
// measuring what a warm run costs when it is not replayed.
const Env = "CLOUDWERK_LSP_MEMO"

// OutputEnv lists the environment variables that change what a run outputs;
// they are part of the key. A test keeps it in step with the code's Getenv calls.
var OutputEnv = []string{analysis.CacheEnv}

// RacyWindow covers file systems with 2-second timestamps (tests shorten it).
var RacyWindow = 2 * time.Second

// keyBytes is the exact key: the memo holds it and a replay compares it whole.
func (k Key) keyBytes() []byte {
	var b []byte
	add := func(s string) { b = varbin.AppendString(b, s) }
	add(magic)
	add(analysis.CacheKey()) // tool version, model shape, executable
	add(k.Command)
	add(strconv.Itoa(len(k.Args)))
	for _, a := range k.Args {
		add(a)
	}
	wd, _ := os.Getwd()
	add(wd)
	for _, name := range OutputEnv {
		v, ok := os.LookupEnv(name)
		add(name + "=" + strconv.FormatBool(ok) + "=" + v)
	}
	add(strconv.FormatBool(k.StdoutTerminal) + strconv.FormatBool(k.StderrTerminal))
	// What a file's permissions let this process read depends on who it is.
	ids := []int{os.Getuid(), os.Getgid()}
	groups, _ := os.Getgroups()
	for _, id := range append(ids, groups...) {
		add(strconv.Itoa(id))
	}
	return b
}

// memoFile is where the memo of key lives; "" when caching is off.
func memoFile(key []byte) string {
	dir := analysis.CacheDir()
	if dir == "" || os.Getenv(Env) == "off" {
		return ""
	}
	sum := sha256.Sum256(key)
	// In the folder of the per-app caches, so the same pruning of old files applies.
	return filepath.Join(dir, "apps", "run-"+hex.EncodeToString(sum[:12])+".memo")
}

// Output streams of a recorded event.
const (
	streamStdout = 1
	streamStderr = 2
	streamFile   = 3 // a file the command created (check --output FILE)
)

// event is one write of the run, in order.
type event struct {
	stream byte
	path   string // streamFile
	data   []byte
}

// Replay writes the recorded output of the run of key and returns its exit
// code when its memo exists and every input is unchanged; ok is false
// otherwise (nothing has been written then: the caller runs the command).
func Replay(k Key, stdout, stderr io.Writer) (code int, ok bool) {
	key := k.keyBytes()
	file := memoFile(key)
	if file == "" {
		return 0, false
	}
	data, err := safefs.ReadOwnFile(file)
	if err != nil {
		return 0, false
	}
	m, err := decode(data, key)
	if err != nil || !unchanged(m.inputs, m.started-int64(RacyWindow)) {
		return 0, false
	}
	// Files first: if one cannot be created now, the command runs and reports it.
	files := map[string]*os.File{}
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	for _, e := range m.events {
		if e.stream != streamFile || files[e.path] != nil {
			continue
		}
		f, err := os.Create(e.path)
		if err != nil {
			return 0, false
		}
		files[e.path] = f
	}
	for _, e := range m.events {
		switch e.stream {
		case streamStdout:
			stdout.Write(e.data)
		case streamStderr:
			stderr.Write(e.data)
		case streamFile:
			files[e.path].Write(e.data)
		}
	}
	for path, f := range files {
		delete(files, path)
		if f.Close() != nil {
			return m.code, true // the write failed now as it could have then: the code stands
		}
	}
	return m.code, true
}

// unchanged stats every input again, in parallel, and reports whether all hold.
func unchanged(inputs []safefs.Input, racyBefore int64) bool {
	const chunk = 128
	var next atomic.Int64
	var changed atomic.Bool
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), (len(inputs)+chunk-1)/chunk) {
		wg.Go(func() {
			c := safefs.NewChecker()
			defer c.Close()
			for !changed.Load() {
				start := int(next.Add(chunk)) - chunk
				if start >= len(inputs) {
					return
				}
				for _, in := range inputs[start:min(start+chunk, len(inputs))] {
					if !c.Unchanged(in, racyBefore) {
						changed.Store(true)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	return !changed.Load()
}

// Run records one run of a command.
type Run struct {
	key     []byte
	file    string // "" when caching is off: nothing is recorded
	started int64
	stop    func() ([]safefs.Input, bool)

	stdout, stderr io.Writer

	mu       sync.Mutex
	events   []event
	size     int  // bytes in events
	tooLarge bool // the output outgrew maxOutput: no memo
	failed   bool // a write failed: what went out is not what the run meant to write
}

// maxOutput bounds the output a memo keeps: a run holds it in memory until it
// ends, and a report of thousands of findings is megabytes (about 1.5 KB per
// finding in json or sarif); such a run is not memoized.
const maxOutput = 4 << 20

// Start begins recording the run of key; its output must go through the
// run's Stdout, Stderr and Create.
func Start(k Key, stdout, stderr io.Writer) *Run {
	r := &Run{stdout: stdout, stderr: stderr}
	r.key = k.keyBytes()
	r.file = memoFile(r.key)
	if r.file != "" {
		r.started = time.Now().UnixNano()
		r.stop = safefs.Record()
	}
	return r
}

// Stdout is where the command writes its standard output.
func (r *Run) Stdout() io.Writer { return &tee{r, streamStdout, "", r.stdout} }

// Stderr is where the command writes its standard error.
func (r *Run) Stderr() io.Writer { return &tee{r, streamStderr, "", r.stderr} }

// Create creates (truncates) the file at path, for output the command writes
// to it; what is written is recorded.
func (r *Run) Create(path string) (io.WriteCloser, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	r.add(streamFile, path, nil) // an empty file is output too
	return &fileTee{tee{r, streamFile, path, f}, f}, nil
}

func (r *Run) add(stream byte, path string, p []byte) {
	if r.file == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.size += len(p); r.tooLarge || r.size > maxOutput {
		r.tooLarge, r.events = true, nil
		return
	}
	if n := len(r.events); n > 0 && r.events[n-1].stream == stream && r.events[n-1].path == path {
		r.events[n-1].data = append(r.events[n-1].data, p...)
	} else {
		r.events = append(r.events, event{stream: stream, path: path, data: slices.Clone(p)})
	}
}

// tee writes to the real stream and records what was written.
type tee struct {
	r      *Run
	stream byte
	path   string
	w      io.Writer
}

func (t *tee) Write(p []byte) (int, error) {
	n, err := t.w.Write(p)
	if n > 0 {
		t.r.add(t.stream, t.path, p[:n])
	}
	if err != nil || n < len(p) {
		t.r.mu.Lock()
		t.r.failed = true
		t.r.mu.Unlock()
	}
	return n, err
}

type fileTee struct {
	tee
	f *os.File
}

func (t *fileTee) Close() error { return t.f.Close() }

// Finish ends the recording; with keep (the run succeeded and changed nothing
// in the app), it stores the memo of the run. Failures to store are ignored:
// the memo only ever saves time.
func (r *Run) Finish(code int, keep bool) {
	if r.file == "" {
		return
	}
	inputs, complete := r.stop()
	if !keep || !complete || r.tooLarge || r.failed {
		return
	}
	inputs, ok := normalize(inputs, r.started-int64(RacyWindow))
	if !ok {
		return
	}
	m := &memo{started: r.started, code: code, inputs: inputs, events: r.events}
	_ = analysis.WriteCacheFile(r.file, encode(m, r.key))
}

// normalize sorts the inputs and drops repeats; ok is false when one path was
// seen in two states (it changed during the run) or when a stamp is already
// racy (the memo could never be replayed).
func normalize(inputs []safefs.Input, racyBefore int64) ([]safefs.Input, bool) {
	slices.SortFunc(inputs, func(a, b safefs.Input) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return int(a.Kind) - int(b.Kind)
	})
	out := inputs[:0]
	for _, in := range inputs {
		if in.Errno == 0 && in.Kind != safefs.InputResolve && (in.Stamp.MTime >= racyBefore || in.Stamp.CTime >= racyBefore) {
			return nil, false
		}
		if n := len(out); n > 0 && out[n-1].Path == in.Path && out[n-1].Kind == in.Kind {
			if out[n-1] != in {
				return nil, false
			}
			continue
		}
		out = append(out, in)
	}
	return out, true
}

var errBadMemo = errors.New("run memo: bad file")
