// This file defines the collection of context member accesses (`this.state`,
// `this.ctx.sql`, init's `ctx.sql`) inside the config's functions.
package analysis

import (
	"bytes"
	"sort"

	sitter "github.com/tree-sitter/go-tree-sitter"
)

// maxContextUses caps how many accesses one file records.
const maxContextUses = 500

// collectContextUses records the context accesses inside fn's body. In init the
// object context is the first parameter; everywhere else it is `this.ctx`, with
// `this` the handler context. Nested non-arrow functions and classes have their
// own `this` and are not entered. (An arrow-function method's `this` is not the
// handler context at all; rules can tell by the method's Form.) Iterative: deep
// bodies cannot exhaust the stack.
func (s *syntax) collectContextUses(def *Definition, in string, fn *sitter.Node, isInit bool) {
	body := fn.ChildByFieldId(s.g.fBody)
	if body == nil {
		return
	}
	ctxParam := ""
	if isInit {
		if p := fn.ChildByFieldId(s.g.fParameter); p != nil {
			ctxParam = s.text(p)
		} else if params := s.namedChildren(fn.ChildByFieldId(s.g.fParameters)); len(params) > 0 {
			if pat := params[0].ChildByFieldId(s.g.fPattern); pat != nil && s.kind(pat) == "identifier" {
				ctxParam = s.text(pat)
			}
		}
	}
	// The walk meets `this.ctx.sql` before the `this.ctx` inside it; keep source order.
	first := len(def.ContextUses)
	defer func() {
		uses := def.ContextUses[first:]
		sort.SliceStable(uses, func(i, j int) bool { return uses[i].At.Start.Offset < uses[j].At.Start.Offset })
	}()
	c := body.Walk()
	defer c.Close()
	needles := [][]byte{[]byte("this")}
	if ctxParam != "" {
		needles = append(needles, []byte(ctxParam))
	}
	for {
		n := c.Node()
		descend := s.mayMention(n, needles)
		switch s.kind(n) {
		case "function_expression", "function_declaration", "generator_function", "generator_function_declaration",
			"method_definition", "class", "class_declaration", "abstract_class_declaration":
			descend = false
		case "member_expression":
			if len(def.ContextUses) >= maxContextUses {
				return
			}
			if use, ok := s.contextUse(n, ctxParam); ok {
				use.In = in
				def.ContextUses = append(def.ContextUses, use)
			}
		}
		if descend && c.GotoFirstChild() {
			continue
		}
		for !c.GotoNextSibling() {
			if !c.GotoParent() || c.Node().Id() == body.Id() {
				return
			}
		}
	}
}

// contextUse recognises `this.X`, `this.ctx.Y` and `<ctxParam>.Y`.
func (s *syntax) contextUse(n *sitter.Node, ctxParam string) (ContextUse, bool) {
	prop := n.ChildByFieldId(s.g.fProperty)
	obj := s.unwrap(n.ChildByFieldId(s.g.fObject))
	if prop == nil || obj == nil || s.kind(prop) != "property_identifier" {
		return ContextUse{}, false
	}
	use := ContextUse{Member: s.text(prop), At: s.rng(prop)}
	switch s.kind(obj) {
	case "this":
		use.Recv = "this"
		return use, true
	case "identifier":
		if ctxParam != "" && s.text(obj) == ctxParam {
			use.Recv = "ctx"
			return use, true
		}
	case "member_expression":
		inner := s.unwrap(obj.ChildByFieldId(s.g.fObject))
		innerProp := obj.ChildByFieldId(s.g.fProperty)
		if inner != nil && innerProp != nil && s.kind(inner) == "this" && s.text(innerProp) == "ctx" {
			use.Recv = "ctx"
			return use, true
		}
	}
	return ContextUse{}, false
}

// pruneSpan is the largest subtree whose text is searched before descending;
// bigger ones are always entered, so hostile nesting cannot make the search
// quadratic.
const pruneSpan = 4 << 10

// mayMention reports whether n's text contains one of needles (so the walk can
// skip subtrees that cannot hold a context access: most of them).
func (s *syntax) mayMention(n *sitter.Node, needles [][]byte) bool {
	start, end := n.StartByte(), n.EndByte()
	if end-start > pruneSpan {
		return true
	}
	text := s.src[start:end]
	for _, needle := range needles {
		if bytes.Contains(text, needle) {
			return true
		}
	}
	return false
}
