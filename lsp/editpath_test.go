package lsp

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/safefs"
)

// shapeKeyRef is the string summary sameShape replaced: two definitions have the
// same shape exactly when their keys are equal (barring separator collisions,
// where sameShape is the stricter of the two).
func shapeKeyRef(d *analysis.Definition) string {
	if d == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(strconv.Itoa(int(d.Export)))
	b.WriteString("|" + d.StateType + "|" + strconv.FormatBool(d.ConfigIsLiteral) + "|" + strconv.Itoa(len(d.ParseErrors)))
	keys := make([]string, 0, len(d.Fields))
	for k := range d.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f := d.Fields[k]
		b.WriteString("|" + k + ":" + strconv.Itoa(int(f.Kind)) + ":" + f.Str + ":" + strconv.FormatBool(f.Bool))
	}
	for _, m := range d.Methods {
		b.WriteString("|m:" + m.Name + ":" + strconv.Itoa(int(m.Form)) + ":" + strconv.FormatBool(m.Async) + ":" + m.ReturnType)
		for _, p := range m.Params {
			b.WriteString("," + p.Name + ":" + p.Type + ":" + strconv.FormatBool(p.Optional) + ":" + p.Default + ":" + strconv.FormatBool(p.Rest))
		}
	}
	for _, u := range d.Unknowns {
		b.WriteString("|u:" + u.Reason)
	}
	b.WriteString("|t:" + strings.Join(d.ExportedTypes, ","))
	return b.String()
}

// TestSameShapeMatchesKey checks sameShape against the key comparison it
// replaced, over the repository's object files, the harness's object source and
// one-character deletions of each.
func TestSameShapeMatchesKey(t *testing.T) {
	sources := []string{objectSource(""), objectSource("  async extra(a: string, b?: number) { return a },\n"), ""}
	files, _ := filepath.Glob(filepath.Join("..", "*", "*", "*", "app", "objects", "*.ts"))
	more, _ := filepath.Glob(filepath.Join("..", "examples", "*", "app", "objects", "*.ts"))
	for _, f := range append(files, more...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, string(b))
	}
	var defs []*analysis.Definition
	defs = append(defs, nil)
	for _, src := range sources {
		defs = append(defs, analysis.ExtractDefinition("/w/app/objects/a.ts", []byte(src)))
		for i := 0; i < len(src); i += 1 + len(src)/40 {
			defs = append(defs, analysis.ExtractDefinition("/w/app/objects/a.ts", []byte(src[:i]+src[i+1:])))
		}
	}
	if len(defs) < 100 {
		t.Fatalf("only %d definitions (object files not found?)", len(defs))
	}
	same := 0
	for _, a := range defs {
		for _, b := range defs {
			want := shapeKeyRef(a) == shapeKeyRef(b)
			if got := sameShape(a, b); got != want {
				t.Fatalf("sameShape = %v, key comparison = %v:\n%s\n%s", got, want, shapeKeyRef(a), shapeKeyRef(b))
			}
			if want {
				same++
			}
		}
	}
	if same <= len(defs) {
		t.Fatalf("no two distinct definitions share a shape (%d defs): the test proves little", len(defs))
	}
}

// TestWithinMatchesRel checks safefs.Within's fast path against filepath.Rel.
func TestWithinMatchesRel(t *testing.T) {
	ref := func(root, path string) bool {
		rel, err := filepath.Rel(root, path)
		return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
	}
	paths := []string{"/", "/w", "/w/", "/w/a", "/w/a/", "/w/a/b.ts", "/w/ab", "/w/a/../b", "/w/a/./b", "/w//a/b",
		"/w/a/..", "/wa/b", "/x/w/a", "w", "w/a", "w/a/b", "../w/a", "..", "../..", ".", "./w/a", ""}
	for _, root := range paths {
		for _, path := range paths {
			if got, want := safefs.Within(root, path), ref(root, path); got != want {
				t.Errorf("safefs.Within(%q, %q) = %v, filepath.Rel says %v", root, path, got, want)
			}
		}
	}
}
