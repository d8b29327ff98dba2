// This file defines the collection of context member accesses (`this.state`,
// `this.ctx.sql`, init's `ctx.sql`) inside the config's functions.

package analysis

import (
	"cmp"
	"slices"
	"strings"
	"unsafe"
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
	needles []string             // what a subtree's text must contain to be entered
	noThis  bool                 // the function is an arrow function: `this` is not the handler context
}

func (b *bodyWalk) addNeedle(name string) {
	if name == "" || len(b.needles) >= 16 {
		return
	}
	b.needles = append(b.needles, name)
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
func (s *syntax) collectContextUses(def *Definition, in string, fn *tnode, isInit bool) {
	body := s.field(fn, s.g.fBody)
	if body == nil {
		return
	}
	b := s.newBodyWalk(def, in)
	// An arrow function's `this` is the module's (undefined), not the handler
	// context: only its parameters (and init's ctx) are followed.
	b.noThis = s.kind(fn) == "arrow_function"
	if !b.noThis {
		b.addNeedle(thisNeedle)
	}
	s.paramBuf = s.appendParams(s.paramBuf[:0], fn)
	for i, pattern := range s.paramBuf {
		if s.kind(pattern) != "identifier" {
			continue
		}
		name := s.text(pattern)
		if isInit {
			if i == 0 {
				b.alias(name, roleCtx)
			}
			continue
		}
		if b.params == nil {
			b.params = map[string]paramInfo{}
		}
		b.params[name] = paramInfo{index: i, at: s.rng(pattern)}
		b.addNeedle(name)
	}
	// The walk meets `this.ctx.sql` before the `this.ctx` inside it; keep source order.
	firstUse, firstParam := len(def.ContextUses), len(def.ParamUses)
	b.walk(body)
	sortByStart(def.ContextUses[firstUse:], func(u ContextUse) int32 { return u.At.Start.Offset })
	sortByStart(def.ParamUses[firstParam:], func(u ParamUse) int32 { return u.At.Start.Offset })
}

// newBodyWalk is the file's one bodyWalk, reset for a new body (bodies are
// walked one at a time).
func (s *syntax) newBodyWalk(def *Definition, in string) *bodyWalk {
	b := s.bodyWalk
	if b == nil {
		b = &bodyWalk{s: s, needles: make([]string, 0, 4)}
		s.bodyWalk = b
	}
	clear(b.names)
	clear(b.params)
	b.def, b.in, b.needles, b.noThis = def, in, b.needles[:0], false
	return b
}

// sortByStart sorts xs stably by start (a no-op when they are in order).
func sortByStart[T any](xs []T, start func(T) int32) {
	for i := 1; i < len(xs); i++ {
		if start(xs[i]) < start(xs[i-1]) {
			slices.SortStableFunc(xs, func(a, b T) int { return cmp.Compare(start(a), start(b)) })
			return
		}
	}
}

// appendParams appends the pattern of each parameter of fn to out, in the
// order fillSignature records them (a TypeScript `this` parameter is not one).
func (s *syntax) appendParams(out []*tnode, fn *tnode) []*tnode {
	if p := s.field(fn, s.g.fParameter); p != nil {
		return append(out, p)
	}
	for _, p := range s.namedChildren(s.field(fn, s.g.fParameters)) {
		if k := s.kind(p); k != "required_parameter" && k != "optional_parameter" {
			continue
		}
		pattern := s.field(p, s.g.fPattern)
		if pattern == nil {
			pattern = s.field(p, s.g.fName)
		}
		if pattern == nil || s.kind(pattern) == "this" {
			continue
		}
		if s.kind(pattern) == "rest_pattern" {
			if inner := s.firstNamed(pattern); inner != nil {
				pattern = inner
			}
		}
		out = append(out, pattern)
	}
	return out
}

// walk visits body's subtree in source order, entering only subtrees that
// can mention a followed name (or are too large to search, so hostile input
// cannot make the search quadratic), and handles the member expressions and
// declarators it meets. Iterative over the flat copy: no recursion.
//
// The use caps are checked as the batched walk this replaces checked them:
// before the first node it handed back, after each declarator and after
// every 64 nodes, so capped lists stay exactly as long as before.
func (b *bodyWalk) walk(body *tnode) {
	s := b.s
	kinds := s.g.contextKinds
	batch := 0
	for i := s.index(body); i < body.next; {
		n := &s.nodes[i]
		k := byte(0)
		if int(n.sym) < len(kinds) {
			k = kinds[n.sym]
		}
		descend := k != 2 && b.mayMention(n)
		if descend && (k == 1 || k == 3) {
			if batch == 0 && (len(b.def.ContextUses) >= maxContextUses || len(b.def.ParamUses) >= maxContextUses) {
				return
			}
			batch++
			if k == 3 {
				b.declare(n)
				batch = 0
			} else {
				b.member(n)
				if batch == walkBatch {
					batch = 0
				}
			}
		}
		if !descend {
			i = n.next
			continue
		}
		if n.flags&fPruned != 0 {
			s.prunedRead = true
		}
		i++
	}
}

// walkBatch is how many nodes the batched walk handed back at a time.
const walkBatch = 64

// mayMention reports whether n's subtree is entered: its text contains a
// needle, or it is longer than pruneSpan.
func (b *bodyWalk) mayMention(n *tnode) bool {
	start, end := n.start, n.end
	if end-start > pruneSpan {
		return true
	}
	if int(end) > len(b.s.src) || start > end {
		return false
	}
	if start == end {
		return false
	}
	text := unsafe.String(&b.s.src[start], end-start)
	for _, needle := range b.needles {
		if strings.Contains(text, needle) {
			return true
		}
	}
	return false
}

const thisNeedle = "this"

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
func (b *bodyWalk) roleOf(n *tnode) (ctxRole, paramInfo) {
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
			name := s.view(n)
			if r, ok := b.names[name]; ok {
				base = r
			} else if p, ok := b.params[name]; ok && k == 0 {
				return roleParam, p
			} else {
				return roleNone, param
			}
		case "member_expression":
			prop := s.field(n, s.g.fProperty)
			if k == len(props) || prop == nil {
				return roleNone, param
			}
			props[k] = s.view(prop)
			k++
			n = s.field(n, s.g.fObject)
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
func (b *bodyWalk) member(n *tnode) {
	s := b.s
	prop := s.field(n, s.g.fProperty)
	if prop == nil || s.kind(prop) != "property_identifier" {
		return
	}
	r, param := b.roleOf(s.field(n, s.g.fObject))
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
func (b *bodyWalk) callFacts(n *tnode, use *ContextUse) {
	s := b.s
	call := s.outerParent(n)
	if call != nil && s.kind(call) == "assignment_expression" {
		left := s.field(call, s.g.fLeft)
		use.Write = left != nil && s.unwrap(left) == n
		return
	}
	if !s.isCallee(call, n) {
		return
	}
	use.Args = 0
	for _, a := range s.namedChildren(s.field(call, s.g.fArguments)) {
		if use.Args == 0 {
			use.DDL = containsFold(s.src[a.start:a.end], "create ")
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
func (b *bodyWalk) declare(d *tnode) {
	s := b.s
	name := s.field(d, s.g.fName)
	value := s.field(d, s.g.fValue)
	if name == nil || value == nil {
		return
	}
	r, _ := b.roleOf(s.unwrapAwait(value))
	if r == roleNone || r == roleParam {
		return
	}
	switch s.kind(name) {
	case "identifier":
		b.alias(s.view(name), r)
	case "object_pattern":
		for _, p := range s.namedChildren(name) {
			var key, local *tnode
			switch s.kind(p) {
			case "shorthand_property_identifier_pattern":
				key, local = p, p
			case "pair_pattern":
				key, local = s.field(p, s.g.fKey), s.field(p, s.g.fValue)
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
				b.alias(s.view(local), r.step(member))
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
