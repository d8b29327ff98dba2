package main

import (
	"os"
	"path/filepath"
	"testing"
)

// The profiling variables give gzip-compressed pprof files around a whole command.
func TestProfilesAroundACommand(t *testing.T) {
	dir := t.TempDir()
	cpu, mem := filepath.Join(dir, "cpu.prof"), filepath.Join(dir, "mem.prof")
	t.Setenv(cpuProfileEnv, cpu)
	t.Setenv(memProfileEnv, mem)
	stop := startProfiles()
	if code := run([]string{"list", filepath.Join("..", "..", "examples", "demo-app")}); code != exitOK {
		t.Fatalf("list exited %d", code)
	}
	stop()
	for _, p := range []string{cpu, mem} {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
			t.Errorf("%s is not a gzip-compressed pprof profile (%d bytes)", filepath.Base(p), len(data))
		}
	}
}
