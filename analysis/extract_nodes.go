// This file defines the small syntax helpers the extractors share: node text and
// ranges, unwrapping of type-only wrappers, literal classification and string
// values, and the iterative collection of parse errors.

package analysis

import (
	"iter"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	sitter "github.com/tree-sitter/go-tree-sitter"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/textpos"
)

// maxParseErrors caps how many ERROR/MISSING nodes a summary keeps.
const maxParseErrors = 20

// syntax is one parsed file seen through one grammar: the helpers every
// extractor needs, over a flat copy of the tree (flat.go). It only lives until
// release.
type syntax struct {
	g   *grammar
	src []byte
	idx *textpos.LineIndex[[]byte]

	nodes    []tnode // the copied subtree; nodes[0] is its root
	release  func()
	bodyWalk *bodyWalk // reused by the context walks of the file's functions
	paramBuf []*tnode

	// prunedRead is set when a read reached below a pruned node (an
	// incremental copy, flat.go): the result is then incomplete.
	prunedRead bool
}

// newSyntax copies the subtree at n (see flatten) for the extractors. The
// caller must call release once it holds no node any more.
func newSyntax(g *grammar, src []byte, n *sitter.Node, prune, keep [2]uint32) *syntax {
	s := &syntax{g: g, src: src, idx: textpos.NewLineIndex(src)}
	s.nodes, s.release = flatten(n, prune, keep)
	return s
}

// root is the copied subtree's root.
func (s *syntax) root() *tnode { return &s.nodes[0] }

// at is the node at index i.
func (s *syntax) at(i int32) *tnode { return &s.nodes[i] }

func (s *syntax) index(n *tnode) uint32 {
	return uint32((uintptr(unsafe.Pointer(n)) - uintptr(unsafe.Pointer(&s.nodes[0]))) / unsafe.Sizeof(tnode{}))
}

// kind is n's kind name.
func (s *syntax) kind(n *tnode) string {
	if int(n.sym) < len(s.g.kinds) {
		return s.g.kinds[n.sym]
	}
	if n.sym == symError {
		return "ERROR"
	}
	return s.g.lang.NodeKindForId(n.sym)
}

func (s *syntax) text(n *tnode) string {
	if n == nil {
		return ""
	}
	return string(s.src[n.start:n.end])
}

// view is n's text without a copy, for lookups and comparisons while the
// extraction runs; it must never end up in a result (it would keep the whole
// source alive).
func (s *syntax) view(n *tnode) string {
	if n == nil || n.start >= n.end || int(n.end) > len(s.src) {
		return ""
	}
	return unsafe.String(&s.src[n.start], n.end-n.start)
}

func (s *syntax) rng(n *tnode) Range {
	return s.idx.Range(int(n.start), int(n.end))
}

// parent is n's parent in the copy (nil for its root).
func (s *syntax) parent(n *tnode) *tnode {
	if n.parent < 0 {
		return nil
	}
	return &s.nodes[n.parent]
}

// firstChild is n's first child (named or not), or nil.
func (s *syntax) firstChild(n *tnode) *tnode {
	if n == nil {
		return nil
	}
	if n.flags&fPruned != 0 {
		s.prunedRead = true
		return nil
	}
	i := s.index(n) + 1
	if i >= n.next {
		return nil
	}
	return &s.nodes[i]
}

// nextSibling is the child of c's parent after c, or nil.
func (s *syntax) nextSibling(c *tnode) *tnode {
	if c.parent < 0 || c.next >= s.nodes[c.parent].next {
		return nil
	}
	return &s.nodes[c.next]
}

// field is n's first child in field f (tree-sitter's ChildByFieldId), or nil.
func (s *syntax) field(n *tnode, f uint16) *tnode {
	if f == 0 || n.isError() {
		return nil // an ERROR node's production has no fields
	}
	for c := s.firstChild(n); c != nil; c = s.nextSibling(c) {
		if c.field == f {
			return c
		}
	}
	return nil
}

// namedDescendant is the smallest named node of the copy spanning [start,
// end), found as tree-sitter's NamedDescendantForByteRange finds it.
func (s *syntax) namedDescendant(start, end uint32) *tnode {
	if start > end {
		return nil
	}
	n := s.root()
	last := n
	for {
		var next *tnode
		for c := s.firstChild(n); c != nil; c = s.nextSibling(c) {
			if c.end < end {
				continue
			}
			if empty := c.start == c.end; (empty && c.end < start) || (!empty && c.end <= start) {
				continue
			}
			if start < c.start {
				break
			}
			next = c
			break
		}
		if next == nil {
			return last
		}
		n = next
		if n.named() {
			last = n
		}
	}
}

// isComment reports a comment node (comments are named extras).
func (s *syntax) isComment(n *tnode) bool { return s.kind(n) == "comment" }

// namedChildren yields n's named children without comments, with their position.
func (s *syntax) namedChildren(n *tnode) iter.Seq2[int, *tnode] {
	return func(yield func(int, *tnode) bool) {
		i := 0
		for c := s.firstChild(n); c != nil; c = s.nextSibling(c) {
			if c.named() && !s.isComment(c) {
				if !yield(i, c) {
					return
				}
				i++
			}
		}
	}
}

// firstNamed returns n's first named child that is not a comment.
func (s *syntax) firstNamed(n *tnode) *tnode {
	for c := s.firstChild(n); c != nil; c = s.nextSibling(c) {
		if c.named() && !s.isComment(c) {
			return c
		}
	}
	return nil
}

// lastNamed returns n's last named child that is not a comment.
func (s *syntax) lastNamed(n *tnode) *tnode {
	var last *tnode
	for c := s.firstChild(n); c != nil; c = s.nextSibling(c) {
		if c.named() && !s.isComment(c) {
			last = c
		}
	}
	return last
}

// unwrap strips what does not change an expression's value: parentheses,
// `as T`, `satisfies T`, `x!` and `<T>x`. Bounded, so hostile nesting cannot
// make it spin; what is left after the bound is returned as is.
func (s *syntax) unwrap(n *tnode) *tnode {
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
			last := s.lastNamed(n)
			if last == nil {
				return n
			}
			n = last
		default:
			return n
		}
	}
	return n
}

// unwrapAwait is unwrap that also looks through `await`.
func (s *syntax) unwrapAwait(n *tnode) *tnode {
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
func (s *syntax) classify(n *tnode) (kind ValueKind, str string, b bool) {
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
		arg := s.unwrap(s.field(n, s.g.fArgument))
		if arg != nil && s.kind(arg) == "number" {
			op := s.text(s.field(n, s.g.fOperator))
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
func (s *syntax) stringValue(n *tnode) string {
	inner := s.src[n.start:n.end]
	if len(inner) >= 2 {
		inner = inner[1 : len(inner)-1]
	}
	return unescapeJS(inner)
}

// templateValue decodes a template literal without substitutions.
func (s *syntax) templateValue(n *tnode) (string, bool) {
	for _, c := range s.namedChildren(n) {
		if s.kind(c) == "template_substitution" {
			return "", false
		}
	}
	inner := s.src[n.start:n.end]
	if len(inner) >= 2 {
		inner = inner[1 : len(inner)-1]
	}
	return unescapeJS(inner), true
}

// stringContentRange is the span inside a string literal's quotes.
func (s *syntax) stringContentRange(n *tnode) Range {
	start, end := int(n.start), int(n.end)
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
// order, at most maxParseErrors. Subtrees without errors are skipped.
func (s *syntax) collectParseErrors(root *tnode) []Range {
	if !root.hasError() {
		return nil
	}
	var out []Range
	for i := s.index(root); i < root.next; {
		n := &s.nodes[i]
		switch {
		case n.missing(), n.isError():
			out = append(out, s.rng(n))
		case n.hasError():
			if n.flags&fPruned != 0 {
				s.prunedRead = true
			}
			i++ // descend
			if len(out) >= maxParseErrors {
				return out
			}
			continue
		}
		if len(out) >= maxParseErrors {
			return out
		}
		i = n.next
	}
	return out
}

// outerParent is n's parent, looking through parentheses and `x!`.
func (s *syntax) outerParent(n *tnode) *tnode {
	p := s.parent(n)
	for p != nil && (s.kind(p) == "parenthesized_expression" || s.kind(p) == "non_null_expression") {
		p = s.parent(p)
	}
	return p
}

// isCallee reports whether call is a call_expression calling n.
func (s *syntax) isCallee(call, n *tnode) bool {
	if call == nil || s.kind(call) != "call_expression" {
		return false
	}
	fn := s.unwrap(s.field(call, s.g.fFunction))
	return fn != nil && fn == n
}
