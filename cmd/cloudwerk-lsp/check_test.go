package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/cloudwerk/cloudwerk-lsp/internal/testutil"
)

const goodApp = `
-- app/objects/counter.ts --
import { defineDurableObject } from '@cloudwerk/durable-object'
export default defineDurableObject<{ n: number }>({
  sqlite: true,
  init(ctx) { ctx.sql.exec('CREATE TABLE IF NOT EXISTS t (x)'); return { n: 0 } },
  methods: {
    async increment(by: number = 1): Promise<number> { this.state.n += by; return this.state.n },
  },
})
-- wrangler.toml --
` + testutil.CounterWrangler

// warnApp has only a warning (NO_INIT: this.state is read, nothing initialises
// it) among the codes this tool owns.
const warnApp = `
-- app/objects/pinger.ts --
import { defineDurableObject } from '@cloudwerk/durable-object'
export default defineDurableObject({
  fetch() { return new Response(String(this.state)) },
})
`

const badApp = `
-- app/objects/chat_room.ts --
import { defineDurableObject } from '@cloudwerk/durable-object'
export default defineDurableObject({
  init() { return {} },
  methods: { post() {} },
})
`

// makeApp writes a txtar app into a temp dir and returns the dir.
func makeApp(t *testing.T, archive string) string {
	t.Helper()
	dir := t.TempDir()
	testutil.WriteArchive(t, dir, txtar.Parse([]byte(archive)), nil)
	return dir
}

// capture runs the command with stdout and stderr redirected to files.
func capture(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	outF, _ := os.CreateTemp(t.TempDir(), "out")
	errF, _ := os.CreateTemp(t.TempDir(), "err")
	oldOut, oldErr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = outF, errF
	code = run(args)
	os.Stdout, os.Stderr = oldOut, oldErr
	read := func(f *os.File) string {
		f.Seek(0, io.SeekStart)
		b, _ := io.ReadAll(f)
		f.Close()
		return string(b)
	}
	return code, read(outF), read(errF)
}

// others' codes are off so the exit codes depend on this command's rules alone
var othersOff = []string{
	"--severity", "KV_STORAGE=off", "--severity", "MIGRATION_MISSING=off", "--severity", "BINDING_MISSING=off",
	"--severity", "GENERATED_STALE=off",
}

func TestCheckExitCodes(t *testing.T) {
	t.Setenv("CLOUDWERK_LSP_CACHE", "off")
	good, warn, bad := makeApp(t, goodApp), makeApp(t, warnApp), makeApp(t, badApp)
	tests := []struct {
		name string
		args []string
		want int
		out  string // substring of stdout
		err  string // substring of stderr
	}{
		{"clean", []string{"check", good}, exitOK, "0 errors, 0 warnings, 0 infos in 2 files (1 object)", ""},
		{"warning only", []string{"check", warn}, exitOK, "warning NO_INIT", ""},
		{"fail on warnings", []string{"check", "--fail-on-warnings", warn}, exitFindings, "1 warning", ""},
		{"warning turned off", []string{"check", "--fail-on-warnings", "--severity", "NO_INIT=off", warn}, exitOK, "0 warnings", ""},
		{"warning raised to error", []string{"check", "--severity", "no_init=error", warn}, exitFindings, "error NO_INIT", ""},
		{"error", []string{"check", bad}, exitFindings, "error INVALID_NAME", ""},
		{"several dirs", []string{"check", good, bad}, exitFindings, "in 3 files (2 objects)", ""},
		{"monorepo root", []string{"check", filepath.Dir(good)}, exitFindings, "INVALID_NAME", ""},
		{"unknown format", []string{"check", "--format", "xml", good}, exitUsage, "", "unknown format"},
		{"bad severity", []string{"check", "--severity", "NO_INIT=loud", good}, exitUsage, "", "unknown level"},
		{"unknown code", []string{"check", "--severity", "NOPE=off", good}, exitUsage, "", "unknown code"},
		{"missing dir", []string{"check", filepath.Join(good, "nope")}, exitUsage, "", "no such file"},
		{"no app", []string{"check", t.TempDir()}, exitUsage, "", "no Cloudwerk app"},
		{"unknown flag", []string{"check", "--bogus", good}, exitUsage, "", "bogus"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{tc.args[0]}, othersOff...)
			args = append(args, tc.args[1:]...)
			code, out, errOut := capture(t, args...)
			if code != tc.want {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.want, out, errOut)
			}
			if !strings.Contains(out, tc.out) || !strings.Contains(errOut, tc.err) {
				t.Errorf("stdout %q / stderr %q; want %q / %q", out, errOut, tc.out, tc.err)
			}
		})
	}
}

func TestCheckOutputFile(t *testing.T) {
	t.Setenv("CLOUDWERK_LSP_CACHE", "off")
	bad := makeApp(t, badApp)
	out := filepath.Join(t.TempDir(), "report.sarif")
	code, stdout, stderr := capture(t, "check", "--format", "sarif", "--output", out, bad)
	if code != exitFindings || stdout != "" || !strings.Contains(stderr, "1 error") {
		t.Fatalf("exit %d stdout %q stderr %q", code, stdout, stderr)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &log); err != nil || log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Results) == 0 {
		t.Fatalf("bad SARIF (%v): %s", err, data)
	}
	if code, _, _ := capture(t, "check", "--output", filepath.Join(bad, "no", "such", "dir", "x"), bad); code != exitUsage {
		t.Errorf("unwritable output: exit %d, want %d", code, exitUsage)
	}
}
