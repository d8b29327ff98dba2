package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// Profiling of any command, for whoever works on performance (SPEC §11):
// CLOUDWERK_LSP_CPUPROFILE and CLOUDWERK_LSP_MEMPROFILE name files that get a
// pprof CPU profile of the whole run and a heap profile at its end.
const (
	cpuProfileEnv = "CLOUDWERK_LSP_CPUPROFILE"
	memProfileEnv = "CLOUDWERK_LSP_MEMPROFILE"
)

// startProfiles starts what the environment asks for and returns the function
// that writes the profiles out; profiling problems are reported, never fatal.
func startProfiles() (stop func()) {
	var cpu *os.File
	if path := os.Getenv(cpuProfileEnv); path != "" {
		f, err := os.Create(path)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "cloudwerk-lsp: cpu profile:", err)
		} else {
			cpu = f
		}
	}
	return func() {
		if cpu != nil {
			pprof.StopCPUProfile()
			cpu.Close()
		}
		if path := os.Getenv(memProfileEnv); path != "" {
			runtime.GC()
			f, err := os.Create(path)
			if err == nil {
				err = pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "cloudwerk-lsp: memory profile:", err)
			}
		}
	}
}
