package diagnostics

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"golang.org/x/tools/txtar"
)

// FuzzObjectFindings runs the per-file rules over whatever extraction makes of
// arbitrary bytes: they must not panic, and every range they report (findings
// and fix edits) must lie inside the file.
func FuzzObjectFindings(f *testing.F) {
	for _, dir := range []string{"testdata/check"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.txtar"))
		for _, file := range files {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				f.Fatal(err)
			}
			for _, af := range ar.Files {
				if filepath.Ext(af.Name) == ".ts" {
					f.Add(af.Data)
				}
			}
		}
	}
	if src, err := os.ReadFile("../examples/demo-app/app/objects/chat-room.ts"); err == nil {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		path := "/proj/app/objects/chat_room.ts" // an invalid name, so INVALID_NAME and its fix run too
		def := analysis.ExtractDefinition(path, src)
		e := analysis.NewEntry(path, def)
		app := appOf(e)
		inside := func(what string, r analysis.Range) {
			if r.Start.Offset < 0 || r.Start.Offset > r.End.Offset || int(r.End.Offset) > len(src) {
				t.Fatalf("%s range %+v outside the %d-byte file", what, r, len(src))
			}
		}
		for _, d := range append(ObjectFindings(app, e), DuplicateFindings(app.Manifest)...) {
			if d.Path != path || d.Message == "" || d.Severity < Error || d.Severity > Hint {
				t.Fatalf("malformed diagnostic %+v", d)
			}
			inside(string(d.Code), d.Range)
			for _, fx := range d.Fixes {
				for _, ed := range fx.Edits {
					inside(string(d.Code)+" fix", ed.Range)
				}
			}
		}
	})
}
