// This file defines the small syntax helpers the extractors share: node text and
// ranges, unwrapping of type-only wrappers, literal classification and string
// values, and the iterative collection of parse errors.

package analysis

import (
	"strconv"
	"strings"
	"unicode/utf8"

	sitter "github.com/tree-sitter/go-tree-sitter"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/textpos"
)

// maxParseErrors caps how many ERROR/MISSING nodes a summary keeps.
const maxParseErrors = 20

// syntax is one parsed file seen through one grammar: the helpers every
// extractor needs. It only lives while its tree is open.
type syntax struct {
	g   *grammar
	src []byte
	idx *textpos.LineIndex[[]byte]

	walkBuf *walkBuffers // the context walk's batches (extract_context.go)
}

// kind is n.Kind() without a cgo string conversion.
func (s *syntax) kind(n *sitter.Node) string {
	if id := int(n.KindId()); id < len(s.g.kinds) {
		return s.g.kinds[id]
	}
	return n.Kind()
}

func (s *syntax) text(n *sitter.Node) string {
	if n == nil {
		return ""
	}
	return string(s.src[n.StartByte():n.EndByte()])
}

func (s *syntax) rng(n *sitter.Node) Range {
	return s.idx.Range(int(n.StartByte()), int(n.EndByte()))
}

// namedChildren returns n's named children without comments. Wide nodes are
// walked with a cursor: Child(i) costs O(i), which would be quadratic on the
// flat, wide ERROR nodes hostile input produces.
func (s *syntax) namedChildren(n *sitter.Node) []*sitter.Node {
	if n == nil {
		return nil
	}
	if count := n.ChildCount(); count <= 16 {
		// Small nodes (nearly all): indexing avoids allocating a cursor.
		out := make([]*sitter.Node, 0, count)
		for i := uint(0); i < count; i++ {
			if child := n.Child(i); child != nil && child.IsNamed() && s.kind(child) != "comment" {
				out = append(out, child)
			}
		}
		return out
	}
	c := n.Walk()
	defer c.Close()
	if !c.GotoFirstChild() {
		return nil
	}
	var out []*sitter.Node
	for {
		if child := c.Node(); child.IsNamed() && s.kind(child) != "comment" {
			out = append(out, child)
		}
		if !c.GotoNextSibling() {
			return out
		}
	}
}

// firstNamed returns n's first named child that is not a comment.
func (s *syntax) firstNamed(n *sitter.Node) *sitter.Node {
	if n == nil {
		return nil
	}
	count := n.NamedChildCount()
	for i := uint(0); i < count; i++ {
		c := n.NamedChild(i)
		if c != nil && s.kind(c) != "comment" {
			return c
		}
	}
	return nil
}

// unwrap strips what does not change an expression's value: parentheses,
// `as T`, `satisfies T`, `x!` and `<T>x`. Bounded, so hostile nesting cannot
// make it spin; what is left after the bound is returned as is.
func (s *syntax) unwrap(n *sitter.Node) *sitter.Node {
	for i := 0; n != nil && i < 64; i++ {
		switch s.kind(n) {
		case "parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression":
			next := s.firstNamed(n)
			if next == nil {
				return n
			}
			n = next
		case "type_assertion":
			// <T>expr: the expression is the last named child.
			kids := s.namedChildren(n)
			if len(kids) == 0 {
				return n
			}
			n = kids[len(kids)-1]
		default:
			return n
		}
	}
	return n
}

// unwrapAwait is unwrap that also looks through `await`.
func (s *syntax) unwrapAwait(n *sitter.Node) *sitter.Node {
	for i := 0; n != nil && i < 8; i++ {
		n = s.unwrap(n)
		if n == nil || s.kind(n) != "await_expression" {
			return n
		}
		n = s.firstNamed(n)
	}
	return n
}

// isFunctionKind reports node kinds whose value is a function.
func isFunctionKind(kind string) bool {
	switch kind {
	case "arrow_function", "function_expression", "function", "generator_function",
		"method_definition", "function_declaration", "generator_function_declaration":
		return true
	}
	return false
}

// classify says what kind of value an expression is, as far as syntax tells.
// For strings it also returns the value; for booleans, whether it is true.
func (s *syntax) classify(n *sitter.Node) (kind ValueKind, str string, b bool) {
	n = s.unwrap(n)
	if n == nil {
		return KindUnknown, "", false
	}
	k := s.kind(n)
	switch {
	case k == "string":
		return KindString, s.stringValue(n), false
	case k == "template_string":
		if v, ok := s.templateValue(n); ok {
			return KindString, v, false
		}
		return KindOther, "", false
	case k == "true":
		return KindBool, "", true
	case k == "false":
		return KindBool, "", false
	case k == "number":
		return KindNumber, "", false
	case k == "unary_expression":
		arg := s.unwrap(n.ChildByFieldId(s.g.fArgument))
		if arg != nil && s.kind(arg) == "number" {
			op := s.text(n.ChildByFieldId(s.g.fOperator))
			if op == "-" || op == "+" {
				return KindNumber, "", false
			}
		}
		return KindUnknown, "", false
	case isFunctionKind(k) || k == "class":
		if k == "class" {
			return KindOther, "", false
		}
		return KindFunction, "", false
	case k == "object":
		return KindObject, "", false
	case k == "array", k == "null", k == "undefined", k == "regex":
		return KindOther, "", false
	}
	return KindUnknown, "", false
}

// stringValue decodes a string literal node (quotes excluded, escapes decoded).
func (s *syntax) stringValue(n *sitter.Node) string {
	inner := s.src[n.StartByte():n.EndByte()]
	if len(inner) >= 2 {
		inner = inner[1 : len(inner)-1]
	}
	return unescapeJS(inner)
}

// templateValue decodes a template literal without substitutions.
func (s *syntax) templateValue(n *sitter.Node) (string, bool) {
	for _, c := range s.namedChildren(n) {
		if s.kind(c) == "template_substitution" {
			return "", false
		}
	}
	inner := s.src[n.StartByte():n.EndByte()]
	if len(inner) >= 2 {
		inner = inner[1 : len(inner)-1]
	}
	return unescapeJS(inner), true
}

// stringContentRange is the span inside a string literal's quotes.
func (s *syntax) stringContentRange(n *sitter.Node) Range {
	start, end := int(n.StartByte()), int(n.EndByte())
	if end-start >= 2 {
		start, end = start+1, end-1
	}
	return s.idx.Range(start, end)
}

// unescapeJS decodes the escapes of a JS string body; anything malformed is
// kept verbatim (the value is only used for names, which are then validated).
func unescapeJS(b []byte) string {
	if !strings.ContainsRune(string(b), '\\') {
		return string(b)
	}
	var out strings.Builder
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' || i+1 >= len(b) {
			out.WriteByte(c)
			continue
		}
		i++
		switch e := b[i]; e {
		case 'n':
			out.WriteByte('\n')
		case 't':
			out.WriteByte('\t')
		case 'r':
			out.WriteByte('\r')
		case 'b':
			out.WriteByte('\b')
		case 'f':
			out.WriteByte('\f')
		case 'v':
			out.WriteByte('\v')
		case '0':
			out.WriteByte(0)
		case '\n':
			// line continuation
		case '\r':
			if i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
		case 'x':
			if i+2 < len(b) {
				if v, err := strconv.ParseUint(string(b[i+1:i+3]), 16, 8); err == nil {
					out.WriteRune(rune(v))
					i += 2
					continue
				}
			}
			out.WriteString(`\x`)
		case 'u':
			hex, width := "", 0
			if i+1 < len(b) && b[i+1] == '{' {
				if j := strings.IndexByte(string(b[i+1:]), '}'); j > 0 {
					hex, width = string(b[i+2:i+1+j]), j+1
				}
			} else if i+4 < len(b) {
				hex, width = string(b[i+1:i+5]), 4
			}
			if v, err := strconv.ParseUint(hex, 16, 32); err == nil && width > 0 && utf8.ValidRune(rune(v)) {
				out.WriteRune(rune(v))
				i += width
				continue
			}
			out.WriteString(`\u`)
		default:
			out.WriteByte(e)
		}
	}
	return out.String()
}

// collectParseErrors returns the ranges of ERROR and MISSING nodes, in source
// order, at most maxParseErrors. Iterative: deep trees cannot exhaust the stack,
// and subtrees without errors are skipped.
func (s *syntax) collectParseErrors(root *sitter.Node) []Range {
	if !root.HasError() {
		return nil
	}
	var out []Range
	c := root.Walk()
	defer c.Close()
	for {
		n := c.Node()
		descend := false
		switch {
		case n.IsMissing():
			out = append(out, s.rng(n))
		case n.IsError():
			out = append(out, s.rng(n))
		case n.HasError():
			descend = true
		}
		if len(out) >= maxParseErrors {
			return out
		}
		if descend && c.GotoFirstChild() {
			continue
		}
		for !c.GotoNextSibling() {
			if !c.GotoParent() {
				return out
			}
		}
	}
}

// outerParent is n's parent, looking through parentheses and `x!`.
func (s *syntax) outerParent(n *sitter.Node) *sitter.Node {
	p := n.Parent()
	for p != nil && (s.kind(p) == "parenthesized_expression" || s.kind(p) == "non_null_expression") {
		p = p.Parent()
	}
	return p
}

// isCallee reports whether call is a call_expression calling n.
func (s *syntax) isCallee(call, n *sitter.Node) bool {
	if call == nil || s.kind(call) != "call_expression" {
		return false
	}
	fn := s.unwrap(call.ChildByFieldId(s.g.fFunction))
	return fn != nil && fn.Id() == n.Id()
}
