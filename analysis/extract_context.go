// This file defines the collection of context member accesses (`this.state`,
// `this.ctx.sql`, init's `ctx.sql`) inside the config's functions.
package analysis

/*
#include <stdint.h>
#include <stdbool.h>
#include <string.h>

// Tree-sitter's node and cursor layouts and the few functions the walk below
// needs, declared here (as in parser.go) so no include path into the module
// cache is needed; the symbols come from go-tree-sitter's C objects.
typedef struct { uint32_t context[4]; const void *id; const void *tree; } cw_node;
typedef struct { const void *tree; const void *id; uint32_t context[3]; } cw_cursor;
extern cw_cursor ts_tree_cursor_new(cw_node);
extern void ts_tree_cursor_delete(cw_cursor *);
extern cw_node ts_tree_cursor_current_node(const cw_cursor *);
extern bool ts_tree_cursor_goto_first_child(cw_cursor *);
extern bool ts_tree_cursor_goto_next_sibling(cw_cursor *);
extern bool ts_tree_cursor_goto_parent(cw_cursor *);
extern uint16_t ts_node_symbol(cw_node);
extern uint32_t ts_node_start_byte(cw_node);
extern uint32_t ts_node_end_byte(cw_node);

static bool cw_contains(const char *h, uint32_t hn, const char *n, uint32_t nn) {
	if (nn == 0) return true;
	if (nn > hn) return false;
	for (uint32_t i = 0; i + nn <= hn; i++) {
		if (h[i] == n[0] && memcmp(h + i, n, nn) == 0) return true;
	}
	return false;
}

// cw_context_walk is collectContextUses' walk (see there) in one C call: it
// writes the member_expression nodes it meets, in walk order, to out and
// returns how many it met; when that is more than cap, only cap were written
// and the caller retries with a bigger buffer. kinds maps a symbol id (below
// nkinds) to 1 for member_expression and 2 for a kind that is not entered.
static uint32_t cw_context_walk(cw_node body, const char *src, uint32_t srclen,
		const char *n1, uint32_t l1, const char *n2, uint32_t l2,
		const uint8_t *kinds, uint32_t nkinds, uint32_t prune,
		cw_node *out, uint32_t cap) {
	uint32_t count = 0;
	cw_cursor c = ts_tree_cursor_new(body);
	for (;;) {
		cw_node n = ts_tree_cursor_current_node(&c);
		uint32_t start = ts_node_start_byte(n), end = ts_node_end_byte(n);
		bool descend;
		if (end - start > prune) {
			descend = true;
		} else if (end > srclen || start > end) {
			descend = false;
		} else {
			descend = cw_contains(src + start, end - start, n1, l1) ||
				(l2 > 0 && cw_contains(src + start, end - start, n2, l2));
		}
		uint16_t sym = ts_node_symbol(n);
		uint8_t k = sym < nkinds ? kinds[sym] : 0;
		if (k == 2) {
			descend = false;
		} else if (k == 1) {
			if (count < cap) out[count] = n;
			count++;
		}
		if (descend && ts_tree_cursor_goto_first_child(&c)) continue;
		for (;;) {
			if (ts_tree_cursor_goto_next_sibling(&c)) break;
			if (!ts_tree_cursor_goto_parent(&c) || ts_tree_cursor_current_node(&c).id == body.id) {
				ts_tree_cursor_delete(&c);
				return count;
			}
		}
	}
}
*/
import "C"

import (
	"sort"
	"unsafe"

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
	// The walk itself runs in C (one cgo call instead of about six per node);
	// only the member expressions it meets come back for contextUse.
	for _, n := range s.contextWalk(body, ctxParam) {
		if len(def.ContextUses) >= maxContextUses {
			return
		}
		if use, ok := s.contextUse(n, ctxParam); ok {
			use.In = in
			def.ContextUses = append(def.ContextUses, use)
		}
	}
}

// contextWalk returns the member expressions below body, in walk order, that a
// context access may be: subtrees whose text mentions neither `this` nor
// ctxParam (unless longer than pruneSpan), nested non-arrow functions and
// classes are not entered.
func (s *syntax) contextWalk(body *sitter.Node, ctxParam string) []*sitter.Node {
	kinds := s.g.contextKinds
	buf := make([]C.cw_node, 32)
	var count int
	for {
		var n2 *C.char
		if ctxParam != "" {
			n2 = (*C.char)(unsafe.Pointer(unsafe.StringData(ctxParam)))
		}
		count = int(C.cw_context_walk(*(*C.cw_node)(unsafe.Pointer(body)),
			(*C.char)(unsafe.Pointer(unsafe.SliceData(s.src))), C.uint32_t(len(s.src)),
			(*C.char)(unsafe.Pointer(unsafe.StringData(thisNeedle))), C.uint32_t(len(thisNeedle)),
			n2, C.uint32_t(len(ctxParam)),
			(*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(kinds))), C.uint32_t(len(kinds)), pruneSpan,
			unsafe.SliceData(buf), C.uint32_t(len(buf))))
		if count <= len(buf) {
			break
		}
		buf = make([]C.cw_node, count)
	}
	nodes := make([]sitter.Node, count)
	out := make([]*sitter.Node, count)
	for i := range out {
		*(*C.cw_node)(unsafe.Pointer(&nodes[i])) = buf[i]
		out[i] = &nodes[i]
	}
	return out
}

const thisNeedle = "this"

// Nodes cross between go-tree-sitter and the walk above as raw tree-sitter
// nodes; the two layouts must agree.
var _ = [1]struct{}{}[unsafe.Sizeof(sitter.Node{})-unsafe.Sizeof(C.cw_node{})]

// contextKindTable maps kind ids to what collectContextUses' walk does with
// them: 1 for member_expression, 2 for kinds it does not enter. By name, as
// the Go walk compared names (a name may have several ids).
func contextKindTable(kinds []string) []byte {
	t := make([]byte, len(kinds))
	for id, k := range kinds {
		switch k {
		case "function_expression", "function_declaration", "generator_function", "generator_function_declaration",
			"method_definition", "class", "class_declaration", "abstract_class_declaration":
			t[id] = 2
		case "member_expression":
			t[id] = 1
		}
	}
	return t
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
