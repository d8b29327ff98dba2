package codegen

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/wrangler"
	"golang.org/x/tools/txtar"
)

// TestWranglerAcceptsGolden runs real wrangler (`deploy --dry-run`) over every
// golden output. It needs a wrangler binary: set CLOUDWERK_E2E_WRANGLER to its
// path (an e2e script that installs wrangler runs it); skipped otherwise.
func TestWranglerAcceptsGolden(t *testing.T) {
	bin := os.Getenv("CLOUDWERK_E2E_WRANGLER")
	if bin == "" {
		t.Skip("CLOUDWERK_E2E_WRANGLER not set")
	}
	files, _ := filepath.Glob("testdata/wrangler/*.txtar")
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var name string
		var want []byte
		for _, f := range ar.Files {
			if strings.HasPrefix(f.Name, "wrangler.") {
				name = f.Name
			}
			if f.Name == "want" {
				want = f.Data
			}
		}
		if want == nil {
			continue
		}
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			// Each case runs wrangler in its own folder: two at a time halve the
			// wall time of the many per-environment runs (-parallel is GOMAXPROCS).
			t.Parallel()
			dir := t.TempDir()
			w := wrangler.Parse(name, want)
			classes := map[string]bool{}
			for _, b := range w.Bindings {
				if b.Local() {
					classes[b.ClassName] = true
				}
			}
			for _, env := range w.Envs {
				for _, b := range env.Bindings {
					if b.Local() {
						classes[b.ClassName] = true
					}
				}
			}
			for c := range w.Ledger().Live {
				classes[c] = true
			}
			var names []string
			for c := range classes {
				names = append(names, c)
			}
			sort.Strings(names)
			worker := "import { DurableObject } from 'cloudflare:workers'\n"
			for _, c := range names {
				worker += "export class " + c + " extends DurableObject {}\n"
			}
			worker += "export default { fetch() { return new Response('ok') } }\n"
			if err := os.WriteFile(filepath.Join(dir, "worker.ts"), []byte(worker), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name), want, 0o644); err != nil {
				t.Fatal(err)
			}
			// What a template-shaped file refers to: a build script and the assets folder.
			if _, ok := w.Doc.Value("build", "command"); ok {
				pkg := `{ "name": "t", "private": true, "scripts": { "build": "node -e 0" } }` + "\n"
				if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(pkg), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if assets, ok := w.Doc.Value("assets", "directory"); ok {
				d := filepath.Join(dir, filepath.FromSlash(assets.(string)))
				if err := os.MkdirAll(d, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(d, "index.html"), []byte("ok\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			deploy := func(env string, bindings []wrangler.DOBinding) {
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				defer cancel()
				args := []string{"deploy", "--dry-run", "--outdir", "out", "--name", "t", "--compatibility-date", "2025-06-01"}
				if env != "" {
					args = append(args, "--env", env)
				}
				cmd := exec.CommandContext(ctx, bin, append(args, "worker.ts")...)
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), "WRANGLER_SEND_METRICS=false", "CI=1", "NO_COLOR=1")
				out, err := cmd.CombinedOutput()
				if err != nil || strings.Contains(string(out), "[ERROR]") {
					t.Fatalf("wrangler (env %q) refused:\n%s\n--- %s\n%s", env, out, name, want)
				}
				// Bindings are not inherited: each environment must list its own.
				for _, b := range bindings {
					if !strings.Contains(string(out), "env."+b.Name+" ") {
						t.Errorf("wrangler deploy --dry-run (env %q) does not list binding %s:\n%s", env, b.Name, out)
					}
				}
				if strings.Contains(string(out), "is not inherited by environments") {
					t.Errorf("wrangler warns about an environment without durable_objects (env %q):\n%s", env, out)
				}
			}
			deploy("", w.Bindings)
			for _, env := range w.Envs {
				deploy(env.Name, env.Bindings)
			}
		})
	}
}
