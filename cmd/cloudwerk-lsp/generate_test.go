package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/wrangler"
)

// copyDemoApp copies the example app into a temp dir, without the files that
// hold deliberate mistakes.
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
		if bytes.HasPrefix(data, []byte("// DELIBERATE MISTAKE")) {
			return nil // the example's deliberate run-time mistakes block generate on purpose
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
	// The rate limiter has no `sqlite`: it is not created KV-backed by default.
	code, _, stderr = runGen(dir)
	if code != exitFindings || !strings.Contains(stderr, "wrote wrangler.toml") || !strings.Contains(stderr, "not recorded: RateLimiter (app/objects/rate-limiter.ts)") {
		t.Fatalf("generate: exit %d\n%s", code, stderr)
	}
	if data, _ := os.ReadFile(wrangler); strings.Contains(string(data), "RateLimiter") || !strings.Contains(string(data), `new_sqlite_classes = ["Analytics"]`) {
		t.Fatalf("generate recorded the default-KV class or not the others:\n%s", data)
	}
	if code, _, stderr := runGen("--allow-kv", dir); code != exitOK || !strings.Contains(stderr, "wrote wrangler.toml") {
		t.Fatalf("generate --allow-kv: exit %d\n%s", code, stderr)
	}
	if data, _ := os.ReadFile(wrangler); !strings.Contains(string(data), `new_classes = ["RateLimiter"]`) {
		t.Fatalf("--allow-kv did not record RateLimiter:\n%s", data)
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
	if code, _, stderr := runGen("--allow-kv", dir); code != exitOK {
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

// The ledger records only facts: an object that throws at load and one whose
// storage is not a boolean get no binding and no migration; generate names them,
// writes everything else and exits 1. A bug inside one method body (here
// sql.run) fails only that call, so that object is still recorded and bound.
func TestGenerateLeavesOutWhatIsNotAFact(t *testing.T) {
	dir := copyDemoApp(t)
	objects := filepath.Join(dir, "app", "objects")
	files := map[string]string{
		"no-handler.ts":    "import { defineDurableObject } from '@cloudwerk/durable-object'\nexport default defineDurableObject({ sqlite: true, init() { return {} } })\n",
		"string-sqlite.ts": "import { defineDurableObject } from '@cloudwerk/durable-object'\nexport default defineDurableObject({ sqlite: 'true', methods: { ping() { return 1 } } })\n",
		"spread.ts":        "import { defineDurableObject } from '@cloudwerk/durable-object'\nconst base = { sqlite: true }\nexport default defineDurableObject({ ...base, methods: { ping() { return 1 } } })\n",
		"kv.ts":            "import { defineDurableObject } from '@cloudwerk/durable-object'\nexport default defineDurableObject({ sqlite: false, methods: { ping() { return 1 } } })\n",
		"unimported.ts":    "export default defineDurableObject({ sqlite: true, methods: { ping() { return 1 } } })\n",
		"method-bug.ts":    "import { defineDurableObject } from '@cloudwerk/durable-object'\nexport default defineDurableObject({ sqlite: true, methods: { ping() { this.ctx.sql.run('SELECT 1') } } })\n",
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(objects, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, _, stderr := runGen("--allow-kv", dir)
	if code != exitFindings {
		t.Fatalf("exit %d, want %d\n%s", code, exitFindings, stderr)
	}
	for _, want := range []string{
		"not recorded: NoHandler (app/objects/no-handler.ts): no binding and no migration, because its definition has errors (NO_HANDLER)",
		"not recorded: StringSqlite (app/objects/string-sqlite.ts): no binding and no migration, because its definition has errors (INVALID_CONFIG)",
		"not recorded: Spread (app/objects/spread.ts): no binding and no migration, because its storage is not statically known",
		"not recorded: Unimported (app/objects/unimported.ts): no binding and no migration, because its definition has errors (DEFINE_NOT_IMPORTED)",
		"wrote wrangler.toml",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	data, _ := os.ReadFile(filepath.Join(dir, "wrangler.toml"))
	w := wrangler.Parse("wrangler.toml", data)
	live := w.Ledger().Live
	if strings.Contains(stderr, "not recorded: MethodBug") {
		t.Errorf("an object whose only error is inside a method body was left out:\n%s", stderr)
	}
	if lc := live["MethodBug"]; lc == nil || !lc.SQLite || !strings.Contains(string(data), `"METHOD_BUG"`) {
		t.Errorf("an object whose only error is inside a method body was not recorded and bound:\n%s", data)
	}
	for _, c := range []string{"NoHandler", "StringSqlite", "Spread", "Unimported"} {
		if live[c] != nil || strings.Contains(string(data), `"`+c+`"`) {
			t.Errorf("%s was recorded or bound:\n%s", c, data)
		}
	}
	if lc := live["Kv"]; lc == nil || lc.SQLite {
		t.Errorf("explicit sqlite: false not recorded as KV: %+v\n%s", lc, data)
	}
	if lc := live["Analytics"]; lc == nil || !lc.SQLite {
		t.Errorf("the other objects were not recorded:\n%s", data)
	}
}

// In a checkout that ignores .cloudwerk/ (as Cloudwerk's templates do), --check
// leaves the generated files out and says so; the wrangler file is still checked.
func TestGenerateCheckSkipsIgnored(t *testing.T) {
	dir := copyDemoApp(t)
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".gitignore"), []byte("node_modules/\ndist/\n.wrangler/\n.cloudwerk/\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runGen("--check", dir)
	if code != exitFindings || !strings.Contains(stderr, "stale: wrangler.toml") || strings.Contains(stderr, "stale: .cloudwerk") ||
		!strings.Contains(stderr, "not checked, ignored by git: .cloudwerk/") {
		t.Fatalf("--check on a fresh checkout: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := runGen("--allow-kv", dir); code != exitOK {
		t.Fatalf("generate: exit %d\n%s", code, stderr)
	}
	// A fresh clone: the generated files are not there, the wrangler file is current.
	if err := os.RemoveAll(filepath.Join(dir, ".cloudwerk")); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runGen("--check", dir)
	if code != exitOK || !strings.Contains(stderr, "not checked, ignored by git") {
		t.Fatalf("--check on a clone with current wrangler config: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := runGen("--check", "--include-ignored", dir); code != exitFindings || !strings.Contains(stderr, "stale: .cloudwerk/types/durable-objects.d.ts") {
		t.Fatalf("--check --include-ignored: exit %d\n%s", code, stderr)
	}
}
