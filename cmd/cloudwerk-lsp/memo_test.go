package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/runmemo"
)

// These tests prove that the run memo never replays a stale result: for every
// kind of input a run reads, and for every flag, argument and working folder,
// a change makes the next run's output (stdout, stderr, --output file, exit
// code) equal, byte for byte, to a full run with the cache off.

// runResult is everything a run outputs.
type runResult struct {
	code                 int
	stdout, stderr, file string
}

// runWith runs args with the cache folder cache ("off": no cache, no memo);
// file, when set, is the --output file whose content is part of the output.
func runWith(t *testing.T, cache string, args []string, file string) runResult {
	t.Helper()
	t.Setenv(analysis.CacheEnv, cache)
	r := runResult{}
	r.code, r.stdout, r.stderr = capture(t, args...)
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		r.file = string(data)
	}
	return r
}

// memoApp is the demo app, generated (so up to date), inside a git work tree.
func memoApp(t *testing.T) string {
	t.Helper()
	dir := copyDemoApp(t)
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runGen(dir); code > exitFindings { // 1: a class awaits a decision; the rest is written
		t.Fatalf("generate: exit %d: %s", code, stderr)
	}
	return dir
}

// shortRacyWindow lets files written by the test count as old once the window
// has passed (the 2-second default would make every test run racy).
func shortRacyWindow(t *testing.T) time.Duration {
	old := runmemo.RacyWindow
	runmemo.RacyWindow = 50 * time.Millisecond
	t.Cleanup(func() { runmemo.RacyWindow = old })
	return runmemo.RacyWindow
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func edit(t *testing.T, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s does not contain %q", path, old)
	}
	write(t, path, strings.Replace(string(data), old, new, 1))
}

func remove(t *testing.T, path string) {
	t.Helper()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
}

// copyTree copies dir (modes kept) to a new temp folder.
func copyTree(t *testing.T, dir string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), info.Mode().Perm()|0o700)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

const extraObject = `import { defineDurableObject } from '@cloudwerk/durable-object'
export default defineDurableObject({
  sqlite: true,
  init() { return { n: 0 } },
  methods: { get() { return this.state.n } },
})
`

func TestMemoNeverReplaysStaleInputs(t *testing.T) {
	window := shortRacyWindow(t)
	obj := func(dir, name string) string { return filepath.Join(dir, "app", "objects", name) }
	generated := func(dir, name string) string {
		return filepath.Join(dir, filepath.FromSlash(analysis.GeneratedObjectsDir), name)
	}
	cases := []struct {
		name   string
		setup  func(t *testing.T, dir string) // before the memo is recorded
		change func(t *testing.T, dir string)
	}{
		{"object edited", nil, func(t *testing.T, dir string) {
			edit(t, obj(dir, "counter.ts"), "increment", "incrementBy")
		}},
		{"object edited, same size, mtime set back", nil, func(t *testing.T, dir string) {
			p := obj(dir, "counter.ts")
			info, _ := os.Stat(p)
			edit(t, p, "increment", "incremenT")
			os.Chtimes(p, info.ModTime(), info.ModTime())
		}},
		{"object added", nil, func(t *testing.T, dir string) { write(t, obj(dir, "extra.ts"), extraObject) }},
		{"object deleted", nil, func(t *testing.T, dir string) { remove(t, obj(dir, "counter.ts")) }},
		{"object renamed", nil, func(t *testing.T, dir string) {
			if err := os.Rename(obj(dir, "counter.ts"), obj(dir, "tally.ts")); err != nil {
				t.Fatal(err)
			}
		}},
		{"new subfolder in objects", nil, func(t *testing.T, dir string) {
			write(t, obj(dir, filepath.Join("nested", "inner.ts")), extraObject)
		}},
		{"new empty subfolder in objects", nil, func(t *testing.T, dir string) {
			if err := os.Mkdir(obj(dir, "empty"), 0o755); err != nil {
				t.Fatal(err)
			}
		}},
		{"object made unreadable", nil, func(t *testing.T, dir string) {
			if err := os.Chmod(obj(dir, "counter.ts"), 0); err != nil {
				t.Fatal(err)
			}
		}},
		{"route file edited", nil, func(t *testing.T, dir string) {
			edit(t, filepath.Join(dir, "app", "routes", "api", "track", "route.ts"), "limiter.check(ip, 100)", "limiter.check(ip, 100, 1)")
		}},
		{"route file added", nil, func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "app", "routes", "api", "new", "route.ts"),
				"import { durableObjects } from '@cloudwerk/core/bindings'\nexport async function GET() { return durableObjects.Nope.get() }\n")
		}},
		{"wrangler.toml edited", nil, func(t *testing.T, dir string) {
			edit(t, filepath.Join(dir, "wrangler.toml"), `name = "CHAT_ROOM"`, `name = "CHAT_ROOMS"`)
		}},
		{"wrangler.jsonc created", nil, func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "wrangler.jsonc"), `{ "name": "demo-app", "main": "worker.ts" }`+"\n")
		}},
		{"wrangler.jsonc edited", func(t *testing.T, dir string) {
			remove(t, filepath.Join(dir, "wrangler.toml"))
			write(t, filepath.Join(dir, "wrangler.jsonc"), `{ "name": "demo-app", "main": "worker.ts" }`+"\n")
		}, func(t *testing.T, dir string) {
			edit(t, filepath.Join(dir, "wrangler.jsonc"), `"main": "worker.ts"`, `"main": "src/worker.ts"`)
		}},
		{"cloudwerk.config.ts edited", nil, func(t *testing.T, dir string) {
			edit(t, filepath.Join(dir, "cloudwerk.config.ts"), "extensions: ['.ts', '.tsx']", "extensions: ['.tsx']")
		}},
		{"cloudwerk.config.js created", func(t *testing.T, dir string) {
			remove(t, filepath.Join(dir, "cloudwerk.config.ts"))
		}, func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "cloudwerk.config.js"), "export default { appDir: 'src' }\n")
		}},
		{"generated class edited", nil, func(t *testing.T, dir string) {
			edit(t, generated(dir, "Counter.ts"), "increment", "increment2")
		}},
		{"generated class deleted", nil, func(t *testing.T, dir string) { remove(t, generated(dir, "Counter.ts")) }},
		{"generated types deleted", nil, func(t *testing.T, dir string) {
			remove(t, filepath.Join(dir, ".cloudwerk", "types", "durable-objects.d.ts"))
		}},
		{"stray generated class added", nil, func(t *testing.T, dir string) {
			data, err := os.ReadFile(generated(dir, "Counter.ts"))
			if err != nil {
				t.Fatal(err)
			}
			write(t, generated(dir, "Old.ts"), string(data))
		}},
		{".gitignore created", func(t *testing.T, dir string) {
			remove(t, generated(dir, "Counter.ts"))
		}, func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, ".gitignore"), ".cloudwerk/\nworker.ts\n")
		}},
		{".git removed", func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, ".gitignore"), ".cloudwerk/\n")
			remove(t, generated(dir, "Counter.ts"))
		}, func(t *testing.T, dir string) {
			remove(t, filepath.Join(dir, ".git"))
		}},
		{"worker entry edited", nil, func(t *testing.T, dir string) {
			edit(t, filepath.Join(dir, "worker.ts"), "export * from './.cloudwerk/generated/objects'", "")
		}},
		{"re-exported module edited", func(t *testing.T, dir string) {
			edit(t, filepath.Join(dir, "worker.ts"), "export * from './.cloudwerk/generated/objects'", "export * from './lib/exports'")
			write(t, filepath.Join(dir, "lib", "exports.ts"), "export * from '../.cloudwerk/generated/objects'\n")
		}, func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "lib", "exports.ts"), "export { Counter } from '../.cloudwerk/generated/objects'\n")
		}},
		{"re-exported module created", func(t *testing.T, dir string) {
			edit(t, filepath.Join(dir, "worker.ts"), "export * from './.cloudwerk/generated/objects'", "export * from './lib/exports'")
		}, func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "lib", "exports.ts"), "export * from '../.cloudwerk/generated/objects'\n")
		}},
	}
	commands := [][]string{
		{"check"},
		{"check", "--format", "json"},
		{"generate", "--check"},
		{"generate", "--dry-run"},
		{"generate"}, // last: it writes when the change makes the app stale
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := memoApp(t)
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			cache := t.TempDir()
			time.Sleep(window + 10*time.Millisecond) // the app's files are no longer racy
			commands := commands
			// These setups leave the app stale: plain generate would write.
			if tc.name == "wrangler.jsonc edited" || tc.name == ".gitignore created" || tc.name == ".git removed" {
				commands = commands[:len(commands)-1]
			}
			for _, cmd := range commands {
				args := append(append([]string{}, cmd...), dir)
				first := runWith(t, cache, args, "")
				hits := memoHits
				if again := runWith(t, cache, args, ""); again != first || memoHits != hits+1 {
					t.Fatalf("%v: not replayed before the change (hits %d -> %d), or differently:\n%+v\n%+v", args, hits, memoHits, first, again)
				}
			}
			tc.change(t, dir)
			for _, cmd := range commands {
				args := append(append([]string{}, cmd...), dir)
				want := func() runResult { return runWith(t, "off", args, "") }
				if cmd[0] == "generate" && len(cmd) == 1 {
					// It may write: the full run gets its own copy of the changed app.
					other := copyTree(t, dir)
					want = func() runResult {
						r := runWith(t, "off", append(append([]string{}, cmd...), other), "")
						r.stderr = strings.ReplaceAll(r.stderr, other, dir)
						return r
					}
				}
				w := want()
				hits := memoHits
				got := runWith(t, cache, args, "")
				if memoHits != hits {
					t.Errorf("%v: replayed after the change", args)
				}
				if got != w {
					t.Errorf("%v after the change:\n got %+v\nwant %+v", args, got, w)
				}
			}
		})
	}
}

// TestMemoKeyHasFlagsArgsAndFolder checks that a run with other flags, other
// arguments or from another folder never replays a memo of another run.
func TestMemoKeyHasFlagsArgsAndFolder(t *testing.T) {
	window := shortRacyWindow(t)
	// Two apps in a monorepo folder of their own (the cache and the report are
	// elsewhere: a run that writes into the folders it walks is never replayed).
	mono := t.TempDir()
	dir, other := filepath.Join(mono, "a"), filepath.Join(mono, "b")
	for _, p := range []string{dir, other} {
		if err := os.Rename(memoApp(t), p); err != nil {
			t.Fatal(err)
		}
	}
	write(t, filepath.Join(other, "app", "objects", "extra.ts"), extraObject)
	report := filepath.Join(t.TempDir(), "report.sarif")
	cache := t.TempDir()
	time.Sleep(window + 10*time.Millisecond)

	base := []string{"check", dir}
	runWith(t, cache, base, "")
	variants := [][]string{
		{"check", "--format", "json", dir},
		{"check", "--format", "sarif", dir},
		{"check", "--format", "github", dir},
		{"check", "--severity", "STUB_ID=off", dir},
		{"check", "--severity", "STUB_ID=warning", dir},
		{"check", "--fail-on-warnings", "--severity", "STUB_ID=off", "--severity", "RPC_ARGS=off", "--severity", "UNKNOWN_NAMESPACE_MEMBER=off", dir},
		{"check", "--severity", "STUB_ID=off", "--severity", "RPC_ARGS=off", "--severity", "UNKNOWN_NAMESPACE_MEMBER=off", dir},
		{"check", "--output", report, dir},
		{"check", "--format", "sarif", "--output", report, dir},
		{"check", other},
		{"check", dir, other},
		{"check", filepath.Dir(dir)},
		{"check", "--format", "bogus", dir},
		{"generate", "--check", "--only", "types", dir},
		{"generate", "--check", "--include-ignored", dir},
	}
	for _, args := range variants {
		file := ""
		for i, a := range args {
			if a == "--output" {
				file = args[i+1]
			}
		}
		for round := range 3 { // recorded, then replayed
			if file != "" && round == 2 {
				remove(t, file) // a replay writes the file again
			}
			hits := memoHits
			got := runWith(t, cache, args, file)
			want := runWith(t, "off", args, file)
			if got != want {
				t.Errorf("%v (round %d):\n got %+v\nwant %+v", args, round, got, want)
			}
			if round > 0 && got.code <= exitFindings && memoHits != hits+1 {
				t.Errorf("%v (round %d): not replayed", args, round)
			}
		}
	}

	// The same relative arguments from another folder.
	t.Chdir(dir)
	runWith(t, cache, []string{"check", "."}, "")
	here := runWith(t, cache, []string{"check", "."}, "")
	t.Chdir(other)
	hits := memoHits
	if got, want := runWith(t, cache, []string{"check", "."}, ""), runWith(t, "off", []string{"check", "."}, ""); got != want || memoHits != hits {
		t.Errorf("check . from another folder: replayed %v\n got %+v\nwant %+v", memoHits != hits, got, want)
	}
	if there := runWith(t, "off", []string{"check", "."}, ""); here.stdout == there.stdout {
		t.Fatalf("the two apps give the same report: the test proves nothing\n%s", there.stdout)
	}
}

// TestMemoRacyEdit: a file edited in the same clock tick as it was recorded can
// keep its size and modification time; such a recent stamp is never trusted.
func TestMemoRacyEdit(t *testing.T) {
	dir := memoApp(t) // just written: within the default 2-second window
	cache := t.TempDir()
	args := []string{"check", dir}
	runWith(t, cache, args, "")
	p := filepath.Join(dir, "app", "objects", "counter.ts")
	info, _ := os.Stat(p)
	edit(t, p, "increment", "incremenT")
	if err := os.Chtimes(p, info.ModTime(), info.ModTime()); err != nil {
		t.Fatal(err)
	}
	hits := memoHits
	got, want := runWith(t, cache, args, ""), runWith(t, "off", args, "")
	if got != want || memoHits != hits {
		t.Errorf("racy edit: replayed %v\n got %+v\nwant %+v", memoHits != hits, got, want)
	}
}

// TestMemoDamaged: a damaged or truncated memo is a normal run.
func TestMemoDamaged(t *testing.T) {
	window := shortRacyWindow(t)
	dir := memoApp(t)
	cache := t.TempDir()
	time.Sleep(window + 10*time.Millisecond)
	args := []string{"check", "--format", "json", dir}
	want := runWith(t, cache, args, "")
	memos, _ := filepath.Glob(filepath.Join(cache, "apps", "run-*.memo"))
	if len(memos) != 1 {
		t.Fatalf("memos: %v", memos)
	}
	good, err := os.ReadFile(memos[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, damaged := range [][]byte{good[:len(good)/2], good[:len(good)-1], append(good[:len(good)-10:len(good)-10], "XXXXXXXXXX"...), {}} {
		write(t, memos[0], string(damaged))
		hits := memoHits
		if got := runWith(t, cache, args, ""); got != want || memoHits != hits {
			t.Errorf("damaged memo (%d bytes): replayed %v, got %+v", len(damaged), memoHits != hits, got)
		}
	}
}

// TestMemoOff: CLOUDWERK_LSP_MEMO=off runs every time (the caches stay on).
func TestMemoOff(t *testing.T) {
	window := shortRacyWindow(t)
	dir := memoApp(t)
	cache := t.TempDir()
	time.Sleep(window + 10*time.Millisecond)
	t.Setenv(runmemo.Env, "off")
	args := []string{"check", dir}
	want := runWith(t, cache, args, "")
	hits := memoHits
	if got := runWith(t, cache, args, ""); got != want || memoHits != hits {
		t.Errorf("memo off: replayed %v, got %+v", memoHits != hits, got)
	}
	if memos, _ := filepath.Glob(filepath.Join(cache, "apps", "run-*.memo")); len(memos) != 0 {
		t.Errorf("memo off, yet memos were written: %v", memos)
	}
}
