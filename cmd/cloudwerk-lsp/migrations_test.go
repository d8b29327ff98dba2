package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const migrationsObject = `import { defineDurableObject } from '@cloudwerk/durable-object'

export default defineDurableObject({
  sqlite: true,
  init() { return { n: 0 } },
  methods: { inc() { return 1 } },
})
`

func writeMigrationsApp(t *testing.T, wrangler string) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range map[string]string{
		".git/HEAD":              "ref: refs/heads/main\n",
		"app/objects/counter.ts": migrationsObject,
		"app/objects/room.ts":    migrationsObject,
		"wrangler.toml":          wrangler,
	} {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestMigrationsCommand(t *testing.T) {
	root := writeMigrationsApp(t, "name = \"x\"\n\n[[migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [\"Counter\", \"Legacy\"]\n")
	var out, errb bytes.Buffer
	if code := migrationsMain([]string{root}, &out, &errb); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{
		"v1  new_sqlite_classes [Counter, Legacy]",
		"Counter  sqlite   v1          counter",
		"Legacy   sqlite   v1          (no definition: orphaned, data kept)",
		"needs a decision: class Legacy has no definition any more and Room is new",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "v2") {
		t.Errorf("a new class next to an orphan must not be appended:\n%s", out.String())
	}

	out.Reset()
	if code := migrationsMain([]string{"--json", "--rename", "Legacy=Room", root}, &out, &errb); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var rep struct {
		Apps []migrationsReport `json:"apps"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Apps) != 1 || rep.Apps[0].Next == nil || rep.Apps[0].Next.Tag != "v2" || len(rep.Apps[0].Next.RenamedClasses) != 1 ||
		rep.Apps[0].Next.RenamedClasses[0] != (renameJSON{From: "Legacy", To: "Room"}) || len(rep.Apps[0].Live) != 2 {
		t.Fatalf("report = %s", out.String())
	}
}

func TestMigrationsNothingToAppend(t *testing.T) {
	root := writeMigrationsApp(t, "[[migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [\"Counter\", \"Room\"]\n")
	var out, errb bytes.Buffer
	if code := migrationsMain([]string{root}, &out, &errb); code != exitOK || !strings.Contains(out.String(), "nothing to append") {
		t.Fatalf("exit %d:\n%s%s", code, out.String(), errb.String())
	}
}

func TestMigrationsErrorsExit2(t *testing.T) {
	for name, wrangler := range map[string]string{
		"syntax": "[[migrations]\n",
		"ledger": "[[migrations]]\ntag = \"v1\"\ndeleted_classes = [\"Nope\"]\n",
	} {
		t.Run(name, func(t *testing.T) {
			root := writeMigrationsApp(t, wrangler)
			var out, errb bytes.Buffer
			if code := migrationsMain([]string{root}, &out, &errb); code != exitUsage {
				t.Fatalf("exit %d, want 2", code)
			}
			if !strings.Contains(errb.String(), "WRANGLER_CONFIG") && !strings.Contains(errb.String(), "LEDGER_INVALID") {
				t.Errorf("stderr = %q", errb.String())
			}
		})
	}
	var out, errb bytes.Buffer
	if code := migrationsMain([]string{filepath.Join(t.TempDir(), "missing")}, &out, &errb); code != exitUsage {
		t.Errorf("missing dir: exit %d", code)
	}
}

// migrations names what generate will not record, with the flag that changes it,
// and shows a hand-written class of cloudwerk.config as defined.
func TestMigrationsNotRecordedAndHandWritten(t *testing.T) {
	root := writeMigrationsApp(t, "[[migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [\"Counter\", \"Room\", \"Chat\"]\n")
	kv := strings.Replace(migrationsObject, "  sqlite: true,\n", "", 1)
	files := map[string]string{
		"app/objects/limiter.ts": kv,
		"cloudwerk.config.ts":    "export default { durableObjects: { CHAT: { class: './workers/chat.ts', className: 'Chat' } } }\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(root, filepath.FromSlash(name)), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out, errb bytes.Buffer
	if code := migrationsMain([]string{root}, &out, &errb); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"not recorded: Limiter (", "Chat     sqlite   v1          (hand-written, cloudwerk.config)", "nothing to append"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "orphaned") || strings.Contains(out.String(), "needs a decision") {
		t.Errorf("the hand-written class is treated as orphaned:\n%s", out.String())
	}
	out.Reset()
	if code := migrationsMain([]string{"--allow-kv", root}, &out, &errb); code != exitOK || !strings.Contains(out.String(), "v2  new_classes [Limiter]") {
		t.Fatalf("--allow-kv: exit %d\n%s", code, out.String())
	}
}

// An environment with its own ledger gets its own next entry.
func TestMigrationsEnvLedger(t *testing.T) {
	root := writeMigrationsApp(t, "[[migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [\"Counter\", \"Room\"]\n\n[env.staging]\n\n[[env.staging.migrations]]\ntag = \"s1\"\nnew_sqlite_classes = [\"Counter\"]\n")
	var out, errb bytes.Buffer
	if code := migrationsMain([]string{root}, &out, &errb); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "cloudwerk-2  new_sqlite_classes [Room]  (env.staging's own ledger)") {
		t.Errorf("output:\n%s", out.String())
	}
}
