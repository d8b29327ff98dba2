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

// cw_walk is one resumable walk of a function body: the cursor and where it is.
typedef struct {
	cw_cursor c;
	const void *body_id;
	uint8_t state;   // 0: the current node is not visited yet; 1: visited; 2: done
	bool descend;    // whether the visited node's children are entered
} cw_walk;

static void cw_walk_begin(cw_walk *w, cw_node body) {
	w->c = ts_tree_cursor_new(body);
	w->body_id = body.id;
	w->state = 0;
	w->descend = false;
}

static void cw_walk_end(cw_walk *w) {
	ts_tree_cursor_delete(&w->c);
	w->state = 2;
}

// cw_any reports whether h contains one of the nn needles packed in needles.
static bool cw_any(const char *h, uint32_t hn, const char *needles, const uint32_t *lens, uint32_t nn) {
	for (uint32_t i = 0; i < nn; i++) {
		if (cw_contains(h, hn, needles, lens[i])) return true;
		needles += lens[i];
	}
	return false;
}

// cw_context_walk continues collectContextUses' walk (see there) in one C call:
// it writes the member_expression and variable_declarator nodes it meets, in walk
// order, to out and returns how many it wrote. It returns early after a
// declarator (which may add a needle before the walk goes on) or when out is
// full; w->state is 2 once the body is done. kinds maps a symbol id (below
// nkinds) to 1 for member_expression, 3 for variable_declarator and 2 for a
// kind that is not entered. A subtree is entered only when its text contains a
// needle (or is longer than prune).
static uint32_t cw_context_walk(cw_walk *w, const char *src, uint32_t srclen,
		const char *needles, const uint32_t *lens, uint32_t nn,
		const uint8_t *kinds, uint32_t nkinds, uint32_t prune,
		cw_node *out, uint32_t cap) {
	uint32_t count = 0;
	for (;;) {
		if (w->state == 2) return count;
		if (w->state == 1 && !(w->descend && ts_tree_cursor_goto_first_child(&w->c))) {
			for (;;) {
				if (ts_tree_cursor_goto_next_sibling(&w->c)) break;
				if (!ts_tree_cursor_goto_parent(&w->c) || ts_tree_cursor_current_node(&w->c).id == w->body_id) {
					w->state = 2;
					return count;
				}
			}
		}
		w->state = 1;
		cw_node n = ts_tree_cursor_current_node(&w->c);
		uint32_t start = ts_node_start_byte(n), end = ts_node_end_byte(n);
		bool descend;
		if (end - start > prune) {
			descend = true;
		} else if (end > srclen || start > end) {
			descend = false;
		} else {
			descend = cw_any(src + start, end - start, needles, lens, nn);
		}
		uint16_t sym = ts_node_symbol(n);
		uint8_t k = sym < nkinds ? kinds[sym] : 0;
		if (k == 2) descend = false;
		w->descend = descend;
		if (descend && (k == 1 || k == 3)) {
			out[count++] = n;
			if (k == 3 || count == cap) return count;
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

// maxContextUses caps how many accesses (and how many parameter uses) one file records.
const maxContextUses = 500

// ctxRole is what a local expression is, as far as the context walk follows it.
type ctxRole uint8

const (
	roleNone    ctxRole = iota
	roleThis            // the handler context { state, ctx }
	roleCtx             // the object context
	roleSQL             // its SQL handle
	roleStorage         // its storage
	roleParam           // a parameter of the method or handler
)

// step is the role of r.member.
func (r ctxRole) step(member string) ctxRole {
	switch {
	case r == roleThis && member == "ctx":
		return roleCtx
	case r == roleCtx && member == "sql", r == roleStorage && member == "sql":
		return roleSQL
	case r == roleCtx && member == "storage":
		return roleStorage
	}
	return roleNone
}

// recv is the ContextUse receiver recorded for members of r (RecvNone for none).
func (r ctxRole) recv() Receiver {
	switch r {
	case roleThis:
		return RecvThis
	case roleCtx:
		return RecvCtx
	case roleSQL:
		return RecvSQL
	case roleStorage:
		return RecvStorage
	}
	return RecvNone
}

// paramInfo is one parameter of a method or handler.
type paramInfo struct {
	index int
	at    Range
}

// bodyWalk is the state of one function body's walk: the local names the walk
// follows and the needles that decide which subtrees it enters.
type bodyWalk struct {
	s       *syntax
	def     *Definition
	in      string
	names   map[string]ctxRole   // the init context parameter and local aliases
	params  map[string]paramInfo // parameters of a method or handler
	needles []byte               // packed needle texts
	lens    []uint32
	noThis  bool // the function is an arrow function: `this` is not the handler context
}

func (b *bodyWalk) addNeedle(name string) {
	if name == "" || len(b.lens) >= 16 {
		return
	}
	b.needles = append(b.needles, name...)
	b.lens = append(b.lens, uint32(len(name)))
}

// collectContextUses records the context accesses inside fn's body. In init the
// object context is the first parameter; everywhere else it is `this.ctx`, with
// `this` the handler context, and member uses of the function's own parameters
// are recorded as ParamUses. Local aliases (`const sql = this.ctx.sql`,
// `const { sql } = ctx`) are followed from their declaration on. Nested
// non-arrow functions and classes have their own `this` and are not entered.
// When fn itself is an arrow function (`m: () => ...`, `fetch: async () => ...`)
// its `this` is not the handler context at all and is not followed. One
// iterative walk per body: deep bodies cannot exhaust the stack.
func (s *syntax) collectContextUses(def *Definition, in string, fn *sitter.Node, isInit bool) {
	body := fn.ChildByFieldId(s.g.fBody)
	if body == nil {
		return
	}
	b := &bodyWalk{s: s, def: def, in: in, needles: make([]byte, 0, 64), lens: make([]uint32, 0, 4)}
	// An arrow function's `this` is the module's (undefined), not the handler
	// context: only its parameters (and init's ctx) are followed.
	b.noThis = s.kind(fn) == "arrow_function"
	if !b.noThis {
		b.addNeedle(thisNeedle)
	}
	s.eachParam(fn, func(i int, pattern *sitter.Node) {
		if s.kind(pattern) != "identifier" {
			return
		}
		name := s.text(pattern)
		if isInit {
			if i == 0 {
				b.alias(name, roleCtx)
			}
			return
		}
		if b.params == nil {
			b.params = map[string]paramInfo{}
		}
		b.params[name] = paramInfo{index: i, at: s.rng(pattern)}
		b.addNeedle(name)
	})
	// The walk meets `this.ctx.sql` before the `this.ctx` inside it; keep source order.
	firstUse, firstParam := len(def.ContextUses), len(def.ParamUses)
	defer func() {
		uses := def.ContextUses[firstUse:]
		sort.SliceStable(uses, func(i, j int) bool { return uses[i].At.Start.Offset < uses[j].At.Start.Offset })
		pu := def.ParamUses[firstParam:]
		sort.SliceStable(pu, func(i, j int) bool { return pu[i].At.Start.Offset < pu[j].At.Start.Offset })
	}()
	b.walk(body)
}

// eachParam calls f with the position and pattern of each parameter of fn, in
// the order fillSignature records them (a TypeScript `this` parameter is not one).
func (s *syntax) eachParam(fn *sitter.Node, f func(i int, pattern *sitter.Node)) {
	if p := fn.ChildByFieldId(s.g.fParameter); p != nil {
		f(0, p)
		return
	}
	i := 0
	for _, p := range s.namedChildren(fn.ChildByFieldId(s.g.fParameters)) {
		if k := s.kind(p); k != "required_parameter" && k != "optional_parameter" {
			continue
		}
		pattern := p.ChildByFieldId(s.g.fPattern)
		if pattern == nil {
			pattern = p.ChildByFieldId(s.g.fName)
		}
		if pattern == nil || s.kind(pattern) == "this" {
			continue
		}
		if s.kind(pattern) == "rest_pattern" {
			if inner := s.firstNamed(pattern); inner != nil {
				pattern = inner
			}
		}
		f(i, pattern)
		i++
	}
}

// walk runs the C walk over body, handling what it hands back between calls.
// The walk itself runs in C (one cgo call per batch instead of about six per
// node); only member expressions and declarators come back.
func (b *bodyWalk) walk(body *sitter.Node) {
	s := b.s
	var w C.cw_walk
	C.cw_walk_begin(&w, *(*C.cw_node)(unsafe.Pointer(body)))
	defer C.cw_walk_end(&w)
	kinds := s.g.contextKinds
	if s.walkBuf == nil {
		s.walkBuf = new(walkBuffers) // shared by the file's bodies
	}
	buf, nodes := &s.walkBuf.raw, &s.walkBuf.nodes
	for w.state != 2 {
		if len(b.def.ContextUses) >= maxContextUses || len(b.def.ParamUses) >= maxContextUses {
			return
		}
		count := int(C.cw_context_walk(&w,
			(*C.char)(unsafe.Pointer(unsafe.SliceData(s.src))), C.uint32_t(len(s.src)),
			(*C.char)(unsafe.Pointer(unsafe.SliceData(b.needles))),
			(*C.uint32_t)(unsafe.Pointer(unsafe.SliceData(b.lens))), C.uint32_t(len(b.lens)),
			(*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(kinds))), C.uint32_t(len(kinds)), pruneSpan,
			&buf[0], C.uint32_t(len(buf))))
		for i := 0; i < count; i++ {
			*(*C.cw_node)(unsafe.Pointer(&nodes[i])) = buf[i]
			n := &nodes[i]
			if s.kind(n) == "variable_declarator" {
				b.declare(n)
			} else {
				b.member(n)
			}
		}
	}
}

const thisNeedle = "this"

// walkBuffers are the batches the C walk hands back, reused across one file's bodies.
type walkBuffers struct {
	raw   [64]C.cw_node
	nodes [64]sitter.Node
}

// Nodes cross between go-tree-sitter and the walk above as raw tree-sitter
// nodes; the two layouts must agree.
var _ = [1]struct{}{}[unsafe.Sizeof(sitter.Node{})-unsafe.Sizeof(C.cw_node{})]

// contextKindTable maps kind ids to what collectContextUses' walk does with
// them: 1 for member_expression, 3 for variable_declarator, 2 for kinds it does
// not enter. By name (a name may have several ids).
func contextKindTable(kinds []string) []byte {
	t := make([]byte, len(kinds))
	for id, k := range kinds {
		switch k {
		case "function_expression", "function_declaration", "generator_function", "generator_function_declaration",
			"method_definition", "class", "class_declaration", "abstract_class_declaration":
			t[id] = 2
		case "member_expression":
			t[id] = 1
		case "variable_declarator":
			t[id] = 3
		}
	}
	return t
}

// roleOf follows an expression like `this.ctx.sql` or `sql` (an alias) to its
// role. Chains are followed a few links deep, iteratively.
func (b *bodyWalk) roleOf(n *sitter.Node) (ctxRole, paramInfo) {
	s := b.s
	var props [4]string
	k := 0
	var base ctxRole
	var param paramInfo
	for base == roleNone {
		n = s.unwrap(n)
		if n == nil {
			return roleNone, param
		}
		switch s.kind(n) {
		case "this":
			if b.noThis {
				return roleNone, param
			}
			base = roleThis
		case "identifier":
			name := s.text(n)
			if r, ok := b.names[name]; ok {
				base = r
			} else if p, ok := b.params[name]; ok && k == 0 {
				return roleParam, p
			} else {
				return roleNone, param
			}
		case "member_expression":
			prop := n.ChildByFieldId(s.g.fProperty)
			if k == len(props) || prop == nil {
				return roleNone, param
			}
			props[k] = s.text(prop)
			k++
			n = n.ChildByFieldId(s.g.fObject)
		default:
			return roleNone, param
		}
	}
	for i := k - 1; i >= 0 && base != roleNone; i-- {
		base = base.step(props[i])
	}
	return base, param
}

// member records n (`X.m`) when X is the handler context, the object context,
// the SQL handle or a parameter.
func (b *bodyWalk) member(n *sitter.Node) {
	s := b.s
	prop := n.ChildByFieldId(s.g.fProperty)
	if prop == nil || s.kind(prop) != "property_identifier" {
		return
	}
	r, param := b.roleOf(n.ChildByFieldId(s.g.fObject))
	switch {
	case r == roleParam:
		name := ""
		for k, p := range b.params {
			if p == param {
				name = k
				break
			}
		}
		b.def.ParamUses = append(b.def.ParamUses, ParamUse{In: b.in, Index: param.index, Name: name, ParamAt: param.at,
			Member: s.text(prop), At: s.rng(prop)})
	case r.recv() != RecvNone:
		use := ContextUse{In: b.in, Recv: r.recv(), Member: s.text(prop), At: s.rng(prop), Args: -1}
		b.callFacts(n, &use)
		b.def.ContextUses = append(b.def.ContextUses, use)
	}
}

// callFacts fills the call facts of use when n is the callee of a call.
func (b *bodyWalk) callFacts(n *sitter.Node, use *ContextUse) {
	s := b.s
	call := s.outerParent(n)
	if call != nil && s.kind(call) == "assignment_expression" {
		left := call.ChildByFieldId(s.g.fLeft)
		use.Write = left != nil && s.unwrap(left).Id() == n.Id()
		return
	}
	if !s.isCallee(call, n) {
		return
	}
	use.Args = 0
	for _, a := range s.namedChildren(call.ChildByFieldId(s.g.fArguments)) {
		if use.Args == 0 {
			use.DDL = containsFold(s.src[a.StartByte():a.EndByte()], "create ")
		}
		switch s.kind(a) {
		case "spread_element":
			use.Spread = true
		case "array":
			if use.Args > 0 && use.ArrayArg == nil {
				r := s.rng(a)
				use.ArrayArg = &r
			}
		}
		use.Args++
	}
}

// containsFold reports whether b contains the lower-case ASCII needle in any case.
func containsFold(b []byte, needle string) bool {
	for i := 0; i+len(needle) <= len(b); i++ {
		j := 0
		for j < len(needle) && (b[i+j]|0x20) == needle[j] {
			j++
		}
		if j == len(needle) {
			return true
		}
	}
	return false
}

// declare follows `const x = <context expression>` and
// `const { a, b: c } = <context expression>`: the names become aliases and
// the destructured keys are accesses.
func (b *bodyWalk) declare(d *sitter.Node) {
	s := b.s
	name := d.ChildByFieldId(s.g.fName)
	value := d.ChildByFieldId(s.g.fValue)
	if name == nil || value == nil {
		return
	}
	r, _ := b.roleOf(s.unwrapAwait(value))
	if r == roleNone || r == roleParam {
		return
	}
	switch s.kind(name) {
	case "identifier":
		b.alias(s.text(name), r)
	case "object_pattern":
		for _, p := range s.namedChildren(name) {
			var key, local *sitter.Node
			switch s.kind(p) {
			case "shorthand_property_identifier_pattern":
				key, local = p, p
			case "pair_pattern":
				key, local = p.ChildByFieldId(s.g.fKey), p.ChildByFieldId(s.g.fValue)
			default:
				continue
			}
			if key == nil || (s.kind(key) != "property_identifier" && s.kind(key) != "shorthand_property_identifier_pattern") {
				continue
			}
			member := s.text(key)
			if recv := r.recv(); recv != RecvNone && len(b.def.ContextUses) < maxContextUses {
				b.def.ContextUses = append(b.def.ContextUses, ContextUse{In: b.in, Recv: recv, Member: member, At: s.rng(key), Args: -1})
			}
			if local != nil && (s.kind(local) == "identifier" || s.kind(local) == "shorthand_property_identifier_pattern") {
				b.alias(s.text(local), r.step(member))
			}
		}
	}
}

func (b *bodyWalk) alias(name string, r ctxRole) {
	if r == roleNone {
		return
	}
	if _, ok := b.names[name]; !ok {
		b.addNeedle(name)
	}
	if b.names == nil {
		b.names = map[string]ctxRole{}
	}
	b.names[name] = r
}

// pruneSpan is the largest subtree whose text is searched before descending;
// bigger ones are always entered, so hostile nesting cannot make the search
// quadratic.
const pruneSpan = 4 << 10

// contextMembersOnly are members only the object context has: a parameter used
// with one of them is used as a context.
var contextMembersOnly = map[string]bool{
	"storage": true, "sql": true, "getWebSockets": true, "acceptWebSocket": true, "getTags": true,
	"setAlarm": true, "getAlarm": true, "deleteAlarm": true, "setState": true, "blockConcurrencyWhile": true,
}

// IsContextParamUse reports whether param.member uses param as the object or
// handler context (`ctx.storage`, `ctx.state` on a parameter named ctx).
func IsContextParamUse(param, member string) bool {
	if contextMembersOnly[member] {
		return true
	}
	if param == "ctx" || param == "context" {
		switch member {
		case "state", "id", "env", "waitUntil":
			return true
		}
	}
	return false
}
