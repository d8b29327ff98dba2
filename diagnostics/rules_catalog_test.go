package diagnostics

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

// TestCatalogHasEveryCode fails when a Code constant of this package has no
// catalog entry (so `check`, SARIF and the server would not know its scope), or
// when the catalog lists a code twice or a code nobody declares.
func TestCatalogHasEveryCode(t *testing.T) {
	declared := map[Code]bool{}
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok || len(vs.Values) != len(vs.Names) {
				return true
			}
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Code" {
				return true
			}
			for _, v := range vs.Values {
				if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					s, _ := strconv.Unquote(lit.Value)
					declared[Code(s)] = true
				}
			}
			return true
		})
	}
	if len(declared) == 0 {
		t.Fatal("found no Code constants")
	}
	seen := map[Code]bool{}
	for _, r := range Catalog {
		if seen[r.Code] {
			t.Errorf("%s is in the catalog twice", r.Code)
		}
		seen[r.Code] = true
		if !declared[r.Code] {
			t.Errorf("%s is in the catalog but declared nowhere", r.Code)
		}
		if r.Scope != PerFile && r.Scope != WholeApp {
			t.Errorf("%s has no scope", r.Code)
		}
	}
	for c := range declared {
		if !seen[c] {
			t.Errorf("%s is declared but missing from the catalog", c)
		}
	}
}

// TestCatalogScopesMatchPasses runs each pass over the fixture apps and the demo
// app: every code a pass reports must be in the catalog with that pass's scope
// and needs.
func TestCatalogScopesMatchPasses(t *testing.T) {
	t.Setenv("CLOUDWERK_LSP_CACHE", "off")
	files, _ := filepath.Glob("testdata/check/*.txtar")
	dirs := []string{filepath.Join("..", "examples", "demo-app")}
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		writeArchive(t, ar, dir)
		dirs = append(dirs, dir)
	}
	passReported := make([]bool, len(passes))
	for _, file := range dirs {
		roots, err := analysis.FindApps(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, root := range roots {
			app, err := analysis.LoadApp(root)
			if err != nil {
				t.Fatal(err)
			}
			for i, p := range passes {
				var got []Diagnostic
				if p.scope == PerFile {
					for _, e := range app.Manifest.Entries {
						got = append(got, FileFindings(app, e, nil)...)
					}
					for _, rf := range app.Routes {
						got = append(got, FileFindings(app, nil, rf)...)
					}
				} else {
					got = p.app(app)
				}
				for _, d := range got {
					r, ok := LookupRule(d.Code)
					if !ok {
						t.Errorf("%s: %s is reported but missing from the catalog", file, d.Code)
						continue
					}
					passReported[i] = true
					if p.scope == WholeApp && (r.Scope != WholeApp || r.Needs != p.needs) {
						t.Errorf("%s is reported by a WholeApp pass needing %b; the catalog says scope %d, needs %b", d.Code, p.needs, r.Scope, r.Needs)
					}
					if p.scope == PerFile && r.Scope != PerFile {
						t.Errorf("%s is reported by the PerFile rules; the catalog says scope %d", d.Code, r.Scope)
					}
				}
			}
		}
	}
	reported := 0
	for _, ok := range passReported {
		if ok {
			reported++
		}
	}
	if reported < len(passes)-1 { // the fixtures have no generated files to go stale
		t.Errorf("only %d of %d passes reported anything over the fixtures", reported, len(passes))
	}
}
