package analysis

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/wrangler"
)

func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestReadWorkerEntry(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		".git/HEAD":  "ref: refs/heads/main\n",
		".gitignore": "dist/\n.cloudwerk/\n",
		"src/index.ts": `// the entry
import { Hono } from 'hono'
export { Foo, Bar as Baz } from './foo'
export * from './more.js'
export * from '../.cloudwerk/generated/objects'

export class Local {}
export const a = 1, b = 2
export default { fetch() { return new Response('') } }
`,
		"src/foo.ts":          "export class Foo {}\nexport class Bar {}\n",
		"src/more.ts":         "export class More {}\nexport * from './deeper'\n",
		"src/deeper/index.ts": "export function deep() {}\n",
		"dist/index.js":       "export { Counter }\n",
		"open.ts":             "export * from 'some-package'\nexport class X {}\n",
	})
	entry := func(main string) *WorkerEntry {
		w := wrangler.Parse(filepath.Join(root, "wrangler.toml"), []byte("main = \""+main+"\"\n"))
		return ReadWorkerEntry(root, w, nil)
	}
	e := entry("src/index.ts")
	if e == nil || !e.Source || !e.Generated || e.Open {
		t.Fatalf("entry = %+v", e)
	}
	if got := strings.Join(e.Exports, " "); got != "Baz Foo Local More a b deep" {
		t.Errorf("exports = %q", got)
	}
	if e.InsertAt.Line != 5 || e.InsertAt.Col16 != 0 {
		t.Errorf("insert at %+v, want line 5 (after the re-exports)", e.InsertAt)
	}
	if e := entry("dist/index.js"); e == nil || e.Source || e.ExportsName("Nope") {
		t.Errorf("a gitignored build output is not a source file: %+v", e)
	}
	if e := entry("open.ts"); e == nil || !e.Open || !e.ExportsName("Anything") {
		t.Errorf("export * from a package leaves the exports open: %+v", e)
	}
	if e := entry("missing.ts"); e != nil {
		t.Errorf("a missing main gives no entry: %+v", e)
	}
}
