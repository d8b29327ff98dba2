package main

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// TestTuneGCFollowsTheLiveHeap: the soft limit applies, rises with a live heap
// that outgrows it and comes back down after it, and is left alone when the
// environment sets GOGC or GOMEMLIMIT.
func TestTuneGCFollowsTheLiveHeap(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	defer func(l int64) { gcSoftLimit = l }(gcSoftLimit)
	gcSoftLimit = 4 << 20

	t.Setenv("GOMEMLIMIT", "1GiB")
	before := debug.SetMemoryLimit(-1)
	tuneGC()()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Fatalf("GOMEMLIMIT set, yet the limit changed to %d", got)
	}
	t.Setenv("GOMEMLIMIT", "")

	stop := tuneGC()
	defer stop() // runs before the restores above: the finalizer must not undo them
	if got := debug.SetMemoryLimit(-1); got != gcSoftLimit {
		t.Fatalf("limit %d, want the soft limit %d", got, gcSoftLimit)
	}
	live := make([]byte, 32<<20) // outgrows the soft limit
	for range 50 {
		runtime.GC()
		if debug.SetMemoryLimit(-1) >= int64(len(live)) {
			break
		}
		time.Sleep(10 * time.Millisecond) // the finalizer runs on its own goroutine
	}
	if got := debug.SetMemoryLimit(-1); got < int64(float64(len(live))*gcLiveFactor) {
		t.Errorf("limit %d did not follow a live heap of %d", got, len(live))
	}
	runtime.KeepAlive(live)
	live = nil
	for range 50 { // and back down once it is gone
		runtime.GC()
		if debug.SetMemoryLimit(-1) < 32<<20 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := debug.SetMemoryLimit(-1); got >= 32<<20 {
		t.Errorf("limit %d stayed up after the live heap went", got)
	}
}
