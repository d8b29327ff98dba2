package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

// copyDemoApp copies the example app into a temp dir.
func copyDemoApp(t *testing.T) string {
	t.Helper()
	t.Setenv(analysis.CacheEnv, "off")
	src := filepath.Join("..", "..", "examples", "demo-app")
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func runGen(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := generateMain(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestGenerateCheckDryRunAndWrite(t *testing.T) {
	dir := copyDemoApp(t)
	types := filepath.Join(dir, ".cloudwerk", "types", "durable-objects.d.ts")
	wrangler := filepath.Join(dir, "wrangler.toml")
	wranglerBefore, _ := os.ReadFile(wrangler)

	code, _, stderr := runGen("--check", dir)
	if code != exitFindings || !strings.Contains(stderr, "stale: .cloudwerk/types/durable-objects.d.ts") {
		t.Fatalf("--check before generate: exit %d, stderr:\n%s", code, stderr)
	}

	code, stdout, _ := runGen("--dry-run", dir)
	if code != exitOK {
		t.Fatalf("--dry-run: exit %d", code)
	}
	for _, want := range []string{"--- /dev/null\n+++ b/.cloudwerk/types/durable-objects.d.ts\n", "+export interface CounterStub {", "+++ b/wrangler.toml"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("--dry-run output lacks %q", want)
		}
	}
	if _, err := os.Stat(types); err == nil {
		t.Fatal("--dry-run wrote files")
	}
	if after, _ := os.ReadFile(wrangler); !bytes.Equal(after, wranglerBefore) {
		t.Fatal("--dry-run changed wrangler.toml")
	}

	// Flags after DIR work too.
	if code, _, stderr := runGen(dir, "--only", "types,classes"); code != exitOK {
		t.Fatalf("generate --only types,classes: exit %d\n%s", code, stderr)
	}
	if after, _ := os.ReadFile(wrangler); !bytes.Equal(after, wranglerBefore) {
		t.Fatal("--only types,classes changed wrangler.toml")
	}
	if code, _, _ := runGen("--check", "--only", "types,classes", dir); code != exitOK {
		t.Fatalf("--check of types and classes after generating them: exit %d", code)
	}
	if code, _, _ := runGen("--check", dir); code != exitFindings {
		t.Fatal("--check must still report the wrangler config")
	}
	if code, _, stderr := runGen(dir); code != exitOK || !strings.Contains(stderr, "wrote wrangler.toml") {
		t.Fatalf("generate: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := runGen("--check", dir); code != exitOK {
		t.Fatalf("--check after generate: exit %d\n%s", code, stderr)
	}
	code, _, stderr = runGen(dir)
	if code != exitOK || !strings.Contains(stderr, "up to date") {
		t.Fatalf("second generate: exit %d\n%s", code, stderr)
	}
}

func TestGenerateOrphanNeedsDecision(t *testing.T) {
	dir := copyDemoApp(t)
	if code, _, stderr := runGen(dir); code != exitOK {
		t.Fatalf("generate: exit %d\n%s", code, stderr)
	}
	// The rate limiter's file disappears: its class stays in the ledger until the user decides.
	if err := os.Remove(filepath.Join(dir, "app", "objects", "rate-limiter.ts")); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runGen(dir)
	if code != exitFindings || !strings.Contains(stderr, "--delete RateLimiter") {
		t.Fatalf("orphan without a flag: exit %d\n%s", code, stderr)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "wrangler.toml"))
	if strings.Contains(string(data), "deleted_classes") {
		t.Fatal("deleted_classes written without --delete")
	}
	code, _, stderr = runGen("--delete", "RateLimiter", dir)
	if code != exitOK {
		t.Fatalf("--delete RateLimiter: exit %d\n%s", code, stderr)
	}
	data, _ = os.ReadFile(filepath.Join(dir, "wrangler.toml"))
	if !strings.Contains(string(data), `deleted_classes = ["RateLimiter"]`) {
		t.Fatalf("--delete did not record the deletion:\n%s", data)
	}
}

func TestGenerateUsageErrors(t *testing.T) {
	dir := t.TempDir()
	tests := [][]string{
		{"--only", "typo", dir},
		{"--rename", "NoEquals", dir},
		{"--rename", "=New", dir},
		{dir, dir},
		{"--no-such-flag"},
		{filepath.Join(dir, "missing")},
	}
	for _, args := range tests {
		if code, _, _ := runGen(args...); code != exitUsage {
			t.Errorf("generate %v: exit %d, want %d", args, code, exitUsage)
		}
	}
}
