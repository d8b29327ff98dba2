// This file defines the end-to-end half of the table: the real binary, run as a
// user runs it, on generated apps, timed from the outside with its peak RSS read
// from wait4's rusage.

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cloudwerk/cloudwerk-lsp/internal/benchapp"
)

// sample is one run of the binary.
type sample struct {
	wall   time.Duration
	cpu    time.Duration // user + system
	rssKB  int64         // ru_maxrss: peak resident set, in KiB on Linux
	outLen int64         // bytes written to stdout (the report)
}

// runLimits stop a run that would take the shared machine down with it (a
// report that grows without bound did exceed 8 GB).
type runLimits struct {
	timeout time.Duration
	maxRSS  int64 // KiB; polled from /proc every 20 ms
}

var errOverLimit = errors.New("over the memory limit")

// runBinary runs bin with args in dir and env, and checks its exit code.
func runBinary(bin, dir string, env []string, wantExit int, lim runLimits, args ...string) (sample, error) {
	ctx, cancel := context.WithTimeout(context.Background(), lim.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Env = env
	var out countingWriter
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return sample{}, err
	}
	over := make(chan struct{})
	stop := make(chan struct{})
	go watchRSS(cmd.Process.Pid, lim.maxRSS, over, stop)
	err := cmd.Wait()
	wall := time.Since(start)
	close(stop)
	s := sample{wall: wall, outLen: out.n}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		s.rssKB = ru.Maxrss
		s.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	select {
	case <-over:
		return s, fmt.Errorf("%w (%d MB)", errOverLimit, lim.maxRSS>>10)
	default:
	}
	if ctx.Err() != nil {
		return s, fmt.Errorf("timed out after %v", lim.timeout)
	}
	code := cmd.ProcessState.ExitCode()
	if code != wantExit {
		return s, fmt.Errorf("%s %s: exit %d, want %d: %s", filepath.Base(bin), strings.Join(args, " "), code, wantExit, lastLine(stderr.String()))
	}
	_ = err // a non-zero exit is an error here; the code was checked above
	return s, nil
}

// watchRSS kills pid once its resident set passes maxKB, closing over.
func watchRSS(pid int, maxKB int64, over, stop chan struct{}) {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		if kb := benchapp.RSSKB(strconv.Itoa(pid)); kb > maxKB {
			close(over)
			_ = syscall.Kill(pid, syscall.SIGKILL)
			return
		}
	}
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// buildBinary builds cmd/cloudwerk-lsp into dir.
func buildBinary(root, dir string, verbose bool) (string, error) {
	bin := filepath.Join(dir, "cloudwerk-lsp")
	if out, err := run(root, verbose, "go", "build", "-o", bin, "./cmd/cloudwerk-lsp"); err != nil {
		return "", fmt.Errorf("go build: %s", lastLine(out))
	}
	return bin, nil
}
