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
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, "deploy", "--dry-run", "--outdir", "out", "--name", "t", "--compatibility-date", "2025-06-01", "worker.ts")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "WRANGLER_SEND_METRICS=false", "CI=1", "NO_COLOR=1")
			out, err := cmd.CombinedOutput()
			if err != nil || strings.Contains(string(out), "[ERROR]") {
				t.Fatalf("wrangler refused:\n%s\n--- %s\n%s", out, name, want)
			}
		})
	}
}
