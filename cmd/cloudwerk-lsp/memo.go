package main

import (
	"io"
	"os"

	"github.com/cloudwerk/cloudwerk-lsp/runmemo"
)

// cmdOutput is where a replayable command writes, and what the run memo must
// know of its run.
type cmdOutput struct {
	stdout, stderr io.Writer
	stderrTerminal bool                                      // progress is shown
	create         func(path string) (io.WriteCloser, error) // for --output FILE
	wroteApp       bool                                      // files of the app changed: not replayable
}

func newCmdOutput(stdout, stderr io.Writer) *cmdOutput {
	return &cmdOutput{stdout: stdout, stderr: stderr, create: func(p string) (io.WriteCloser, error) { return os.Create(p) }}
}

// memoHits counts replayed runs (tests check that the memo is used at all).
var memoHits int

// runMemoized runs a command that changes nothing in the app (or says it did)
// through the run memo: replayed when its inputs are unchanged, else run and
// recorded.
func runMemoized(name string, args []string, main func([]string, *cmdOutput) int) int {
	stdout, stderr := os.Stdout, os.Stderr
	key := runmemo.Key{Command: name, Args: args, StdoutTerminal: isTerminal(stdout), StderrTerminal: isTerminal(stderr)}
	if code, ok := runmemo.Replay(key, stdout, stderr); ok {
		memoHits++
		return code
	}
	rec := runmemo.Start(key, stdout, stderr)
	out := &cmdOutput{stdout: rec.Stdout(), stderr: rec.Stderr(), stderrTerminal: key.StderrTerminal, create: rec.Create}
	code := main(args, out)
	rec.Finish(code, (code == exitOK || code == exitFindings) && !out.wroteApp)
	return code
}
