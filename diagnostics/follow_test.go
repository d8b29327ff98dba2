package diagnostics

import (
	"strings"
	"testing"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/textpos"
)

func TestFollow(t *testing.T) {
	const path = "/app/objects/counter.ts"
	old := "import x\r\nexport default define({\n  name: 'a',\r  sqlite: false,\n})\n"
	at := func(text, sub string) analysis.Range {
		i := strings.Index(text, sub)
		return textpos.NewLineIndex(text).Range(i, i+len(sub))
	}
	d := Diagnostic{Code: KVStorage, Path: path, Range: at(old, "false"),
		Related: []Related{{Path: path, Range: at(old, "define")}, {Path: "/wrangler.toml", Range: at(old, "import")}},
		Fixes:   []Fix{{Edits: []TextEdit{{Path: path, Range: at(old, "false"), NewText: "true"}}}}}
	other := Diagnostic{Code: BindingMissing, Path: "/other.ts", Range: at(old, "name")}

	for _, tc := range []struct {
		name, cur string
		lost      bool
	}{
		{"two lines above", "// one\r// two\n" + old, false},
		{"edit on the same line before", strings.Replace(old, "  sqlite", "\tsqlite", 1), false},
		{"edit after", old + "// end\n", false},
		{"edit that ends inside the range", strings.Replace(old, "fals", "tru", 1), false},
		{"edit across the range's start", strings.Replace(old, ": false", " = no", 1), true},
		{"edit across a related range's start", strings.Replace(old, "t define", "t_Define", 1), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, lost := Follow([]Diagnostic{d, other}, path, old, tc.cur)
			if lost != tc.lost {
				t.Fatalf("lost = %v, want %v", lost, tc.lost)
			}
			if tc.lost {
				if len(got) != 1 || got[0].Path != "/other.ts" {
					t.Fatalf("a finding that cannot follow must be left out, others kept: %+v", got)
				}
				return
			}
			if len(got) != 2 || got[1].Range != other.Range {
				t.Fatalf("findings of other files must be kept as they are: %+v", got)
			}
			g := got[0]
			value := "false"
			if !strings.Contains(tc.cur, value) {
				value = "true" // the range shrinks and grows with an edit at its end
			}
			want := map[string]analysis.Range{"range": at(tc.cur, value), "related": at(tc.cur, "define"), "edit": at(tc.cur, value)}
			for what, r := range map[string]analysis.Range{"range": g.Range, "related": g.Related[0].Range, "edit": g.Fixes[0].Edits[0].Range} {
				if r != want[what] {
					t.Errorf("%s = %+v, want %+v", what, r, want[what])
				}
			}
			if g.Related[1].Range != d.Related[1].Range {
				t.Errorf("a related range in another file moved: %+v", g.Related[1].Range)
			}
		})
	}
	if d.Fixes[0].Edits[0].Range != at(old, "false") {
		t.Errorf("Follow modified its input")
	}
	// An empty range where text is inserted moves with the text after it.
	empty := Diagnostic{Path: path, Range: textpos.NewLineIndex(old).Range(0, 0)}
	got, _ := Follow([]Diagnostic{empty}, path, old, "//\n"+old)
	if r := got[0].Range; r.Start.Offset != 3 || r.End.Offset != 3 || r.Start.Line != 1 {
		t.Errorf("empty range at the insertion point = %+v", r)
	}
}
