package analysis

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/cloudwerk/cloudwerk-lsp/internal/benchapp"
	"golang.org/x/tools/txtar"
)

// TestModelSizes keeps the per-object facts compact: a server holds every
// position and context use of every object file (tens per file), so a field
// widened by accident shows up here rather than as hundreds of MB at 100,000
// objects.
func TestModelSizes(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"Pos", unsafe.Sizeof(Pos{}), 12},
		{"Range", unsafe.Sizeof(Range{}), 24},
		{"ContextUse", unsafe.Sizeof(ContextUse{}), 72},
		{"Field", unsafe.Sizeof(Field{}), 112},
		{"Method", unsafe.Sizeof(Method{}), 112},
		{"Param", unsafe.Sizeof(Param{}), 56},
	} {
		if c.got > c.want {
			t.Errorf("%s is %d bytes, more than %d", c.name, c.got, c.want)
		}
	}
}

// TestCompactKeepsFacts checks that Compact changes no fact of any extraction
// fixture (nor of the benchmark object) and leaves no spare capacity.
func TestCompactKeepsFacts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "extract", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures (%v)", err)
	}
	srcs := map[string][]byte{"bench.ts": benchapp.Object(3)}
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			if strings.HasSuffix(f.Name, ".ts") || strings.HasSuffix(f.Name, ".tsx") {
				srcs[filepath.Base(file)+"/"+f.Name] = f.Data
			}
		}
	}
	for name, src := range srcs {
		want, got := ExtractDefinition(name, src), ExtractDefinition(name, src)
		got.Compact()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Compact changed the facts\n got %+v\nwant %+v", name, got, want)
		}
		got.Compact() // again: still the same
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: a second Compact changed the facts", name)
		}
		if cap(got.ContextUses) != len(got.ContextUses) || cap(got.Methods) != len(got.Methods) || cap(got.ParamUses) != len(got.ParamUses) {
			t.Errorf("%s: spare capacity left", name)
		}
	}
	var nilDef *Definition
	nilDef.Compact()
}
