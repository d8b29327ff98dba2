package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// This file sets how the one-shot commands trade memory for collector CPU. A
// command keeps an app's facts until it exits, and with the default GOGC=100
// the heap grows to twice what is live: a cold check of 10,000 objects peaked
// at ~135 MB with ~45 MB live. A soft memory limit holds the Go heap of small
// and mid-size runs under gcSoftLimit for a few extra collections; while the
// live heap outgrows it, the limit follows at gcLiveFactor times the live heap,
// so a large app is collected about as often as with GOGC=50 and never
// thrashes at a fixed limit. GOGC or GOMEMLIMIT in the environment win.

// Measured on the 10,000-object benchmark app, cold check: peak RSS 128-133 MB
// without, 103-106 MB with (the limit counts Go memory only: RSS adds the
// binary and tree-sitter's C memory), 24-25 -> 30 collections.
var (
	gcSoftLimit  int64 = 80 << 20
	gcLiveFactor       = 1.5
)

// tuneGC applies the limit for the rest of the process. stop ends the
// following (tests restore the process's limit after it); once stop returns,
// the limit is no longer changed.
func tuneGC() (stop func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	soft := gcSoftLimit // read once: the finalizer runs on its own goroutine
	limit := soft
	debug.SetMemoryLimit(limit)
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var mu sync.Mutex
	stopped := false
	// A finalizer runs after every collection that finds its object dead: it
	// re-arms itself with a fresh object each time.
	var arm func()
	arm = func() {
		runtime.SetFinalizer(&gcSentinel{}, func(*gcSentinel) {
			mu.Lock()
			defer mu.Unlock()
			if stopped {
				return
			}
			metrics.Read(sample)
			// Both ways: a load's peak of live facts passes, the run goes on.
			if want := max(soft, int64(float64(sample[0].Value.Uint64())*gcLiveFactor)); want != limit {
				limit = want
				debug.SetMemoryLimit(limit)
			}
			arm()
		})
	}
	arm()
	return func() {
		mu.Lock()
		stopped = true
		mu.Unlock()
	}
}

// gcSentinel holds a pointer so that it is never batched with other tiny
// allocations (a finalizer on those may never run).
type gcSentinel struct{ _ *byte }
