//go:build unix

package analysis

import (
	"syscall"
	"testing"
	"time"
)

// reportCPU adds the process's CPU time per op (user+sys, all threads) as
// cpu-ns/op: on a shared machine it moves far less than the wall time. Call
// as `defer reportCPU(b)()` before the loop.
func reportCPU(b *testing.B) func() {
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			return 0
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start := cpu()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(cpu()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}
