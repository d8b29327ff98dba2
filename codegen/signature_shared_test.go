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
		typesDir := filepath.Join(root, filepath.Dir(TypesFile))
		var a, b strings.Builder
		renderStub(&a, typesDir, shared)
		renderStub(&b, typesDir, direct)
		if a.String() != b.String() {
			t.Errorf("stub for %q:\n%s\nwant\n%s", ret, a.String(), b.String())
		}
		imp := classesTypesImport(root)
		if got, want := renderClass(root, imp, shared), renderClass(root, imp, direct); string(got) != string(want) {
			t.Errorf("class for %q:\n%s\nwant\n%s", ret, got, want)
		}
	}
}
