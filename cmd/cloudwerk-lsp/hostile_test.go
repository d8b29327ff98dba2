package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"
)

// TestFileNamesThatCannotBeClassNames: object files named with a space, a
// quote, a newline or invalid UTF-8 are INVALID_NAME, printed escaped (no raw
// control bytes reach the terminal), and never reach generated TypeScript or
// the migration ledger.
func TestFileNamesThatCannotBeClassNames(t *testing.T) {
	dir := copyDemoApp(t)
	src, err := os.ReadFile(filepath.Join(dir, "app", "objects", "counter.ts"))
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"sp ace", `quote"`, "new\nline", "bad\xffbyte", "esc\x1b[31m"}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, "app", "objects", n+".ts"), src, 0o644); err != nil {
			t.Skipf("this file system refuses %q: %v", n, err)
		}
	}
	code, out, _ := capture(t, "check", dir)
	if code != exitFindings {
		t.Fatalf("check exit %d:\n%s", code, out)
	}
	if strings.Count(out, "INVALID_NAME") < len(names) {
		t.Errorf("want INVALID_NAME for each of %q:\n%s", names, out)
	}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if !utf8.ValidString(line) || strings.ContainsFunc(line, func(r rune) bool { return r < 0x20 && r != '\t' }) {
			t.Errorf("raw control bytes or invalid UTF-8 printed: %q", line)
		}
	}
	for _, want := range []string{`new\nline.ts`, `bad\xffbyte.ts`, `esc\x1b[31m.ts`} {
		if !strings.Contains(out, want) {
			t.Errorf("check does not print the name escaped as %s:\n%s", want, out)
		}
	}

	runGen(dir) // exits 1 for the invalid objects; everything else is written
	var generated []string
	filepath.WalkDir(filepath.Join(dir, ".cloudwerk"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			generated = append(generated, p)
		}
		return nil
	})
	generated = append(generated, filepath.Join(dir, "wrangler.toml"))
	if len(generated) < 3 {
		t.Fatalf("generate wrote nothing: %v", generated)
	}
	for _, p := range generated {
		data, _ := os.ReadFile(p)
		for _, bad := range []string{"Sp ace", "sp ace", `Quote"`, "New\nline", "\xff", "\x1b", "SP ACE"} {
			if bytes.Contains(data, []byte(bad)) {
				t.Errorf("%s holds %q", p, bad)
			}
		}
	}
}

// syncBuffer is a buffer a test reads while a command writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestGenerateSaysWhenItWaitsForAnotherRun(t *testing.T) {
	dir := copyDemoApp(t)
	lock := filepath.Join(dir, ".cloudwerk", ".generate.lock")
	if err := os.MkdirAll(filepath.Dir(lock), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(lock, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Skip("no flock:", err)
	}
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() { done <- generateMain([]string{dir}, &stdout, &stderr) }()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(stderr.String(), "waiting for another generate run to finish (it holds .cloudwerk/.generate.lock)") {
		if time.Now().After(deadline) {
			t.Fatalf("generate waits in silence; stderr so far:\n%s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	// The demo app exits 1 for a decision only the user can make; what matters
	// is that the run went on once the lock was free.
	if code := <-done; code == exitUsage || !strings.Contains(stderr.String(), "wrote wrangler.toml") {
		t.Fatalf("generate after the lock was released: exit %d\n%s", code, stderr.String())
	}
}

func TestGenerateRefusesAReadOnlyWranglerFile(t *testing.T) {
	dir := copyDemoApp(t)
	src, _ := os.ReadFile(filepath.Join(dir, "app", "objects", "counter.ts"))
	if err := os.WriteFile(filepath.Join(dir, "app", "objects", "tally.ts"), src, 0o644); err != nil { // needs a binding
		t.Fatal(err)
	}
	wrangler := filepath.Join(dir, "wrangler.toml")
	before, _ := os.ReadFile(wrangler)
	if err := os.Chmod(wrangler, 0o444); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runGen(dir)
	if code == exitOK || !strings.Contains(stderr, "wrangler.toml is read-only (mode 0444)") {
		t.Fatalf("generate on a 0444 wrangler.toml: exit %d\n%s", code, stderr)
	}
	after, _ := os.ReadFile(wrangler)
	fi, _ := os.Stat(wrangler)
	if !bytes.Equal(before, after) || fi.Mode().Perm() != 0o444 {
		t.Fatalf("the read-only file was replaced (mode %v)", fi.Mode().Perm())
	}
}

// TestWranglerTOMLAsWranglerReadsIt: a wrangler.toml with a UTF-8 byte order
// mark is read and edited in place (the mark stays); one with a trailing comma
// in an inline table (TOML 1.1, which wrangler rejects) is WRANGLER_CONFIG and
// never rewritten.
func TestWranglerTOMLAsWranglerReadsIt(t *testing.T) {
	dir := copyDemoApp(t)
	wrangler := filepath.Join(dir, "wrangler.toml")
	orig, _ := os.ReadFile(wrangler)
	src, _ := os.ReadFile(filepath.Join(dir, "app", "objects", "counter.ts"))
	if err := os.WriteFile(filepath.Join(dir, "app", "objects", "tally.ts"), src, 0o644); err != nil { // needs a binding
		t.Fatal(err)
	}

	bom := append([]byte("\xef\xbb\xbf"), orig...)
	if err := os.WriteFile(wrangler, bom, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := capture(t, "check", dir); strings.Contains(out, "WRANGLER_CONFIG") {
		t.Fatalf("check refuses a BOM wrangler.toml (exit %d):\n%s", code, out)
	}
	runGen(dir)
	after, _ := os.ReadFile(wrangler)
	if !bytes.HasPrefix(after, []byte("\xef\xbb\xbf# Demo Cloudwerk app.")) || !bytes.Contains(after, []byte(`class_name = "Tally"`)) {
		t.Fatalf("generate on a BOM wrangler.toml:\n%q", after[:min(len(after), 200)])
	}

	bad := append(append([]byte(nil), orig...), []byte("\n[limits]\nLIMITS = { cpu = 1, }\n")...)
	if err := os.WriteFile(wrangler, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := capture(t, "check", dir)
	if code != exitFindings || !strings.Contains(out, "WRANGLER_CONFIG") || !strings.Contains(out, "trailing comma in an inline table") {
		t.Fatalf("check on a TOML 1.1 inline table: exit %d\n%s", code, out)
	}
	runGen(dir)
	if now, _ := os.ReadFile(wrangler); !bytes.Equal(now, bad) {
		t.Fatal("generate rewrote a wrangler.toml that wrangler cannot read")
	}
}
