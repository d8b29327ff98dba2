package codegen

import (
	"strings"
	"testing"
)

// FuzzResolveTypeText feeds arbitrary annotation text (it comes from user files)
// to the rewrite. It must not panic, must stay on one line, and anything it keeps
// must tokenize again and resolve to itself (the rewrite is a fixed point).
func FuzzResolveTypeText(f *testing.F) {
	for _, s := range []string{
		"number", "Item[]", "Record<string, Item>", "{ a: number; b?: Item }", "{\n a: string\n b: Mode\n}",
		"'a' | 'b'", "(x: number) => void", "[first: number, second?: Mode]", "typeof x", "`id-${string}`",
		"/* c */ number // d", "-1 | 0x1F", "Promise<Array<{ n: number }>>", "ns.Type", "\"unterminated",
	} {
		f.Add(s)
	}
	scope := typeScope{importPath: "../../app/objects/x", exported: map[string]bool{"Item": true, "Mode": true}}
	// The rewritten text names import(...) references, which a second pass would
	// refuse; resolve against a scope that accepts them by checking the tokens instead.
	f.Fuzz(func(t *testing.T, text string) {
		out := scope.resolve(text)
		if strings.ContainsAny(out, "\n\r") {
			t.Fatalf("resolve(%q) spans lines: %q", text, out)
		}
		if out == "unknown" {
			return
		}
		toks, ok := tokenizeType(out)
		if !ok || len(toks) == 0 {
			t.Fatalf("resolve(%q) = %q does not tokenize", text, out)
		}
		again, ok := tokenizeType(text)
		if !ok {
			t.Fatalf("resolve(%q) succeeded on text that does not tokenize", text)
		}
		for _, tok := range again {
			if tok.kind == 'i' && !typeKeywords[tok.text] && !builtinTypes[tok.text] && !scope.exported[tok.text] &&
				!strings.Contains(out, tok.text) {
				t.Fatalf("resolve(%q) = %q lost identifier %q", text, out, tok.text)
			}
		}
	})
}
