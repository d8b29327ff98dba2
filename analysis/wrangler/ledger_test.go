package wrangler

import (
	"strings"
	"testing"
)

func TestReplayLedger(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		live    map[string]bool // class -> sqlite
		errs    []string
		errLine []int
	}{
		{"empty", "", map[string]bool{}, nil, nil},
		{"create both kinds", `
[[migrations]]
tag = "v1"
new_sqlite_classes = ["Counter"]
new_classes = ["Chat"]
`, map[string]bool{"Counter": true, "Chat": false}, nil, nil},
		{"rename keeps storage, delete removes", `
[[migrations]]
tag = "v1"
new_sqlite_classes = ["A"]
new_classes = ["B"]
[[migrations]]
tag = "v2"
renamed_classes = [{ from = "A", to = "C" }]
deleted_classes = ["B"]
`, map[string]bool{"C": true}, nil, nil},
		{"delete then recreate in one entry", `
[[migrations]]
tag = "v1"
new_classes = ["A"]
[[migrations]]
tag = "v2"
deleted_classes = ["A"]
new_sqlite_classes = ["A"]
`, map[string]bool{"A": true}, nil, nil},
		{"duplicate tag", `
[[migrations]]
tag = "v1"
new_classes = ["A"]
[[migrations]]
tag = "v1"
new_classes = ["B"]
`, map[string]bool{"A": false, "B": false}, []string{`Duplicate migration tag "v1"`}, []int{5}},
		{"new on existing", `
[[migrations]]
tag = "v1"
new_classes = ["A"]
[[migrations]]
tag = "v2"
new_sqlite_classes = ["A"]
`, map[string]bool{"A": false}, []string{"Cannot apply new_sqlite_classes migration to existing class A"}, []int{6}},
		{"rename missing", `
[[migrations]]
tag = "v1"
renamed_classes = [{ from = "X", to = "Y" }]
`, map[string]bool{}, []string{"Cannot apply renamed_classes migration to non-existent class X"}, []int{3}},
		{"delete missing", `
[[migrations]]
tag = "v1"
new_classes = ["X"]
deleted_classes = ["X"]
`, map[string]bool{"X": false}, []string{"Cannot apply deleted_classes migration to non-existent class X"}, []int{4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := Parse("wrangler.toml", []byte(tt.src))
			if !w.Parsed() {
				t.Fatalf("parse: %+v %+v", w.ParseError, w.ShapeErrors)
			}
			l := w.Ledger()
			got := map[string]bool{}
			for n, c := range l.Live {
				got[n] = c.SQLite
			}
			if len(got) != len(tt.live) {
				t.Errorf("live = %v, want %v", got, tt.live)
			}
			for n, s := range tt.live {
				if g, ok := got[n]; !ok || g != s {
					t.Errorf("live[%s] = %v,%v want %v", n, g, ok, s)
				}
			}
			if len(l.Errors) != len(tt.errs) {
				t.Fatalf("errors = %+v, want %v", l.Errors, tt.errs)
			}
			for i, e := range tt.errs {
				if !strings.Contains(l.Errors[i].Message, e) || int(l.Errors[i].At.Start.Line) != tt.errLine[i] {
					t.Errorf("error %d = %q at line %d, want %q at %d", i, l.Errors[i].Message, l.Errors[i].At.Start.Line, e, tt.errLine[i])
				}
			}
		})
	}
}

func TestLedgerCreatedBy(t *testing.T) {
	w := Parse("wrangler.toml", []byte("[[migrations]]\ntag = \"v1\"\nnew_classes = [\"A\"]\n[[migrations]]\ntag = \"v2\"\nrenamed_classes = [{ from = \"A\", to = \"B\" }]\n"))
	b := w.Ledger().Live["B"]
	if b == nil || b.CreatedBy != "v1" || b.Migration != 1 {
		t.Fatalf("B = %+v", b)
	}
}
