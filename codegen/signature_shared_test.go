package codegen

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

// The signatures shared by the stub and the class print exactly what building
// them for each file does, including source text that holds a NUL byte.
func TestSharedSignaturesMatchDirect(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, "app", "objects", "counter.ts")
	for _, ret := range []string{"Promise<Item[]>", "'a\x00b' | Item", "Record<string, Item>"} {
		def := &analysis.Definition{
			Path:          path,
			Export:        analysis.ExportDefine,
			ExportedTypes: []string{"Item"},
			Methods: []analysis.Method{
				{Name: "add", Form: analysis.FormMethod, ReturnType: ret,
					Params: []analysis.Param{{Name: "item", Type: "Item | '\x00'"}, {Name: "limit", Default: "10", DefaultKin: analysis.KindNumber}}},
				{Name: "get", Form: analysis.FormArrow, ReturnType: "Item"},
			},
		}
		e := analysis.NewEntry(path, def)
		shared := object{Entry: e, RelPath: "app/objects/counter.ts", sigs: &objectSigs{}}
		direct := shared
		direct.sigs = nil
		var a, b strings.Builder
		renderStub(&a, root, shared)
		renderStub(&b, root, direct)
		if a.String() != b.String() {
			t.Errorf("stub for %q:\n%s\nwant\n%s", ret, a.String(), b.String())
		}
		imp := classesTypesImport(root)
		if got, want := renderClass(nil, root, imp, shared), renderClass(nil, root, imp, direct); string(got) != string(want) {
			t.Errorf("class for %q:\n%s\nwant\n%s", ret, got, want)
		}
	}
}

// The shortened import path of an object file inside the root is relImport's.
func TestImportFromMatchesRelImport(t *testing.T) {
	roots := []string{"/a/b", "/a/b/", "/", "/a/./b", "/a/b/.cloudwerk"}
	rels := []string{"app/objects/x.ts", "x.ts", ".ts", "app/.ts", "app/x", "app/x.y.ts", "a/b/../c.ts", "./x.ts",
		".cloudwerk/types/x.ts", ".cloudwerk/x.ts", ".CLOUDWERK/x.ts", ".cloudwerkx/y.ts", "cloudwerk/generated/x.ts",
		".cloudwerk/generated/objects/A.ts", ".cloudwerk/generated/x.ts", "../outside/x.ts", "../b/x.ts", "..x/y.ts"}
	for _, root := range roots {
		for _, rel := range rels {
			for _, p := range []string{filepath.Join(root, rel), root + "/" + rel} {
				r, err := filepath.Rel(root, p)
				local := ""
				if err == nil {
					local = rootImport(r)
				}
				o := object{Entry: &analysis.Entry{Path: p}, rootImport: local}
				for _, gen := range []string{ClassesDir, filepath.ToSlash(filepath.Dir(TypesFile))} {
					want := relImport(filepath.Join(root, gen), p)
					if got := o.importFrom(root, gen); got != want {
						t.Errorf("root %q, path %q, from %s: got %q, want %q", root, p, gen, got, want)
					}
				}
			}
		}
	}
}
