package wrangler

import (
	"fmt"
	"strings"
	"testing"
)

// Deeply nested values get a clear error or parse in linear time (no quadratic
// location paths): 100k levels in JSONC, the TOML parser's own limit, and 9,000
// valid levels in each format.
func TestWranglerDeepNesting(t *testing.T) {
	tests := []struct {
		name, src string
		wantErr   bool
	}{
		{"wrangler.jsonc", `{"a":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}`, true},
		{"wrangler.toml", "a = " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n", true},
		{"wrangler.toml", "name = \"x\"\na = " + strings.Repeat("[", 9000) + strings.Repeat("]", 9000) + "\n", false},
		{"wrangler.jsonc", `{"name": "x", "a":` + strings.Repeat("[", 900) + strings.Repeat("]", 900) + `}`, false},
	}
	for _, tt := range tests {
		w := Parse(tt.name, []byte(tt.src))
		if (w.ParseError != nil) != tt.wantErr {
			t.Errorf("%s (%d bytes): parse error = %v, want error %v", tt.name, len(tt.src), w.ParseError, tt.wantErr)
		}
		if !tt.wantErr && w.Name != "x" {
			t.Errorf("%s: name = %q", tt.name, w.Name)
		}
	}
}

func TestWranglerManyMigrations(t *testing.T) {
	var b strings.Builder
	b.WriteString("name = \"x\"\n")
	for i := 1; i <= 20000; i++ {
		fmt.Fprintf(&b, "[[migrations]]\ntag = \"v%d\"\nnew_classes = [\"C%d\"]\n", i, i)
	}
	w := Parse("wrangler.toml", []byte(b.String()))
	if !w.Parsed() || len(w.Migrations) != 20000 || len(w.Ledger().Live) != 20000 {
		t.Fatalf("parsed=%v migrations=%d", w.Parsed(), len(w.Migrations))
	}
}
