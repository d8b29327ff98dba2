// This file defines the extraction of durable-object references from route and
// other non-object files (UNKNOWN_OBJECT / UNKNOWN_METHOD, go-to-definition).

package analysis

import (
	"sort"

	sitter "github.com/tree-sitter/go-tree-sitter"
)

// BindingsModules are the module specifiers whose durableObjects and
// getDurableObject exports are recognised: the real module and the spelling
// used in Cloudwerk's own examples.
var BindingsModules = map[string]bool{
	"@cloudwerk/core/bindings": true,
	"@cloudwerk/bindings":      true,
}

// StandardStubMembers are members every stub has (Cloudflare's DurableObjectStub);
// calls to them are not RPC methods and are not recorded as RefStubMethod.
var StandardStubMembers = map[string]bool{"fetch": true, "connect": true, "id": true, "name": true}

// ExtractRoute returns the references a non-object file makes to durable
// objects, or nil when it does not import durableObjects or getDurableObject
// from a bindings module (or when the file cannot be parsed at all).
func ExtractRoute(path string, src []byte) *RouteFile {
	if screenSource(src) != "" || !mayImportBindings(src) {
		return nil
	}
	g := grammarFor(LangForPath(path))
	tree := g.parse(src, nil)
	if tree == nil {
		return nil
	}
	defer tree.Close()
	return extractRouteFromTree(path, g, src, tree)
}

// mayImportBindings is a cheap pre-filter: most files never mention the module.
func mayImportBindings(src []byte) bool {
	for m := range BindingsModules {
		if bytesContains(src, m) {
			return true
		}
	}
	return false
}

func bytesContains(b []byte, s string) bool {
	n := len(s)
	for i := 0; i+n <= len(b); i++ {
		if b[i] == s[0] && string(b[i:i+n]) == s {
			return true
		}
	}
	return false
}

// routeNames are the local names through which a file reaches the bindings.
type routeNames struct {
	durableObjects   map[string]bool // local names of durableObjects
	getDurableObject map[string]bool // local names of getDurableObject
	namespaces       map[string]bool // `import * as b from '…/bindings'`
}

func (r *routeNames) empty() bool {
	return len(r.durableObjects) == 0 && len(r.getDurableObject) == 0 && len(r.namespaces) == 0
}

// routeScope is one function body (or the module) during the walk.
type routeScope struct {
	depth    int
	stubs    map[string]string // local name -> object name as written
	spaces   map[string]string // local name of a namespace (durableObjects.X / getDurableObject('x')) -> object name
	declared map[string]bool   // other locals that shadow outer stubs
	pending  []pendingCall
}

// pendingCall is `name.method()` whose receiver is resolved when its scope ends
// (so a stub declared after a closure that uses it still counts).
type pendingCall struct {
	receiver string
	method   string
	call     *tnode // the call; the copy lives until the walk ends
}

func extractRouteFromTree(path string, g *grammar, src []byte, tree *sitter.Tree) *RouteFile {
	s := newSyntax(g, src, tree.RootNode(), noPrune, noPrune)
	defer s.release()
	root := s.root()
	top := s.scanTopLevel(root)
	names := &routeNames{durableObjects: map[string]bool{}, getDurableObject: map[string]bool{}, namespaces: map[string]bool{}}
	for local, imp := range top.imports {
		if !BindingsModules[imp.module] {
			continue
		}
		switch imp.imported {
		case "durableObjects":
			names.durableObjects[local] = true
		case "getDurableObject":
			names.getDurableObject[local] = true
		case "*":
			names.namespaces[local] = true
		}
	}
	if names.empty() {
		return nil
	}
	rf := &RouteFile{Path: path, Hash: hashSource(src), Refs: []RouteRef{}}
	w := &routeWalker{s: s, names: names, rf: rf}
	w.walk(root)
	sort.SliceStable(rf.Refs, func(i, j int) bool { return rf.Refs[i].At.Start.Offset < rf.Refs[j].At.Start.Offset })
	return rf
}

type routeWalker struct {
	s      *syntax
	names  *routeNames
	rf     *RouteFile
	scopes []*routeScope
}

// walk visits every node once in source order (no recursion), keeping a
// stack of function scopes by depth.
func (w *routeWalker) walk(root *tnode) {
	s := w.s
	w.scopes = []*routeScope{newRouteScope(0)}
	// ends holds the subtree ends of the node's ancestors: its depth is their number.
	var ends []uint32
	for i := s.index(root); i < root.next; i++ {
		for len(ends) > 0 && ends[len(ends)-1] <= i {
			ends = ends[:len(ends)-1]
		}
		depth := len(ends)
		w.popScopes(depth)
		n := &s.nodes[i]
		w.visit(n, depth)
		ends = append(ends, n.next)
	}
	w.popScopes(-1)
}

func newRouteScope(depth int) *routeScope {
	// The maps are created on first write: most scopes (every arrow function)
	// declare nothing of interest, and reading a nil map is fine.
	return &routeScope{depth: depth}
}

// popScopes ends every scope opened at depth >= depth (the walk has left it),
// resolving its pending calls or handing them to the enclosing scope.
func (w *routeWalker) popScopes(depth int) {
	for len(w.scopes) > 0 {
		sc := w.scopes[len(w.scopes)-1]
		if sc.depth < depth || (depth >= 0 && len(w.scopes) == 1) {
			return
		}
		w.scopes = w.scopes[:len(w.scopes)-1]
		var parent *routeScope
		if len(w.scopes) > 0 {
			parent = w.scopes[len(w.scopes)-1]
		}
		for _, p := range sc.pending {
			if obj, ok := sc.stubs[p.receiver]; ok {
				w.addStubCall(obj, p.method, p.call)
			} else if !sc.declared[p.receiver] && parent != nil {
				parent.pending = append(parent.pending, p)
			}
		}
	}
}

func (sc *routeScope) declare(name string) {
	if sc.declared == nil {
		sc.declared = map[string]bool{}
	}
	sc.declared[name] = true
}

func (w *routeWalker) scope() *routeScope { return w.scopes[len(w.scopes)-1] }

func (w *routeWalker) visit(n *tnode, depth int) {
	s, g := w.s, w.s.g
	switch s.kind(n) {
	case "function_declaration", "function_expression", "function", "arrow_function", "method_definition",
		"generator_function", "generator_function_declaration", "class_static_block":
		sc := newRouteScope(depth)
		w.scopes = append(w.scopes, sc)
		if p := s.field(n, g.fParameter); p != nil {
			sc.declare(s.text(p))
		}
		for _, p := range s.namedChildren(s.field(n, g.fParameters)) {
			if pat := s.field(p, g.fPattern); pat != nil && s.kind(pat) == "identifier" {
				sc.declare(s.text(pat))
			}
		}
	case "variable_declarator":
		name := s.field(n, g.fName)
		if name != nil && s.kind(name) == "object_pattern" {
			w.visitDestructuring(name, s.field(n, g.fValue))
			return
		}
		if name == nil || s.kind(name) != "identifier" {
			return
		}
		value := s.field(n, g.fValue)
		sc := w.scope()
		if obj, ok := w.stubSource(value); ok {
			if sc.stubs == nil {
				sc.stubs = map[string]string{}
			}
			sc.stubs[s.text(name)] = obj
		} else if obj, ok := w.namespaceSource(value); ok {
			if sc.spaces == nil {
				sc.spaces = map[string]string{}
			}
			sc.spaces[s.text(name)] = obj
		} else {
			sc.declare(s.text(name))
		}
	case "member_expression":
		obj := s.field(n, g.fObject)
		prop := s.field(n, g.fProperty)
		if prop == nil {
			return
		}
		if w.isDurableObjects(obj) {
			w.add(RouteRef{Kind: RefObjectProperty, Object: s.text(prop), At: s.rng(prop)})
			return
		}
		if ns, ok := w.namespaceOf(obj); ok && s.kind(prop) == "property_identifier" {
			ref := RouteRef{Kind: RefNamespaceMember, Object: ns, Method: s.text(prop), At: s.rng(prop), Args: -1, Recv: s.text(s.unwrap(obj))}
			w.callFacts(n, &ref)
			w.add(ref)
		}
	case "subscript_expression":
		if !w.isDurableObjects(s.field(n, g.fObject)) {
			return
		}
		if idx := s.unwrap(s.field(n, g.fIndex)); idx != nil && s.kind(idx) == "string" {
			w.add(RouteRef{Kind: RefObjectProperty, Object: s.stringValue(idx), At: s.stringContentRange(idx)})
		}
	case "call_expression":
		w.visitCall(n)
	}
}

// visitDestructuring handles `const { Counter, ChatRoom: room } = durableObjects`:
// each key is a reference, and each local a namespace for later `.get(...)`.
func (w *routeWalker) visitDestructuring(pattern, value *tnode) {
	s, g := w.s, w.s.g
	if !w.isDurableObjects(value) {
		return
	}
	sc := w.scope()
	for _, p := range s.namedChildren(pattern) {
		var key, local *tnode
		switch s.kind(p) {
		case "shorthand_property_identifier_pattern":
			key, local = p, p
		case "pair_pattern":
			key, local = s.field(p, g.fKey), s.field(p, g.fValue)
		default:
			continue // rest patterns and defaults: nothing statically named
		}
		if key == nil {
			continue
		}
		obj := s.text(key)
		at := s.rng(key)
		if s.kind(key) == "string" {
			obj, at = s.stringValue(key), s.stringContentRange(key)
		} else if s.kind(key) != "property_identifier" && s.kind(key) != "shorthand_property_identifier_pattern" {
			continue
		}
		w.add(RouteRef{Kind: RefObjectProperty, Object: obj, At: at})
		if local != nil && (s.kind(local) == "identifier" || s.kind(local) == "shorthand_property_identifier_pattern") {
			if sc.spaces == nil {
				sc.spaces = map[string]string{}
			}
			sc.spaces[s.text(local)] = obj
		}
	}
}

func (w *routeWalker) add(r RouteRef) { w.rf.Refs = append(w.rf.Refs, r) }

func (w *routeWalker) visitCall(n *tnode) {
	s, g := w.s, w.s.g
	fn := s.unwrap(s.field(n, g.fFunction))
	if fn == nil {
		return
	}
	if w.isGetDurableObject(fn) {
		if arg := s.unwrap(s.firstNamed(s.field(n, g.fArguments))); arg != nil && s.kind(arg) == "string" {
			w.add(RouteRef{Kind: RefGetCall, Object: s.stringValue(arg), At: s.stringContentRange(arg)})
		}
		return
	}
	if s.kind(fn) != "member_expression" {
		return
	}
	prop := s.field(fn, g.fProperty)
	recv := s.unwrapAwait(s.field(fn, g.fObject))
	if prop == nil || recv == nil || s.kind(prop) != "property_identifier" {
		return
	}
	method := s.text(prop)
	if StandardStubMembers[method] {
		return
	}
	if s.kind(recv) == "identifier" {
		w.scope().pending = append(w.scope().pending, pendingCall{receiver: s.text(recv), method: method, call: n})
		return
	}
	// durableObjects.Counter.get(id).increment(): the stub is used directly.
	if obj, ok := w.stubSource(recv); ok {
		w.addStubCall(obj, method, n)
	}
}

// addStubCall records a call of method on a stub of obj.
func (w *routeWalker) addStubCall(obj, method string, call *tnode) {
	s := w.s
	fn := s.unwrap(s.field(call, s.g.fFunction))
	ref := RouteRef{Kind: RefStubMethod, Object: obj, Method: method, At: s.rng(s.field(fn, s.g.fProperty))}
	w.argFacts(call, &ref)
	w.add(ref)
}

// callFacts fills ref's call facts when the member expression n is called.
func (w *routeWalker) callFacts(n *tnode, ref *RouteRef) {
	if call := w.s.outerParent(n); w.s.isCallee(call, n) {
		w.argFacts(call, ref)
	}
}

// argFacts records the arguments of call: how many, a spread, the first one's kind.
func (w *routeWalker) argFacts(call *tnode, ref *RouteRef) {
	s := w.s
	ref.Args = 0
	for _, a := range s.namedChildren(s.field(call, s.g.fArguments)) {
		if ref.Args == 0 {
			ref.ArgAt = s.rng(a)
			switch k := s.kind(s.unwrap(a)); k {
			case "string", "template_string":
				ref.ArgKind = KindString
			default:
				ref.ArgKind, _, _ = s.classify(a)
			}
		}
		if s.kind(a) == "spread_element" {
			ref.Spread = true
		}
		ref.Args++
	}
}

// namespaceOf recognises a namespace written in place (namespaceSource) or held
// in a local (`const rooms = durableObjects.ChatRoom`) and returns the object
// name as written.
func (w *routeWalker) namespaceOf(n *tnode) (string, bool) {
	n = w.s.unwrap(n)
	if n != nil && w.s.kind(n) == "identifier" {
		return w.lookupSpace(w.s.text(n))
	}
	return w.namespaceSource(n)
}

// lookupSpace finds a local namespace by name through the enclosing scopes.
func (w *routeWalker) lookupSpace(name string) (string, bool) {
	for i := len(w.scopes) - 1; i >= 0; i-- {
		if obj, ok := w.scopes[i].spaces[name]; ok {
			return obj, true
		}
		if w.scopes[i].declared[name] || w.scopes[i].stubs[name] != "" {
			return "", false
		}
	}
	return "", false
}

// stubGetters are the namespace members that return a stub.
var stubGetters = map[string]bool{"get": true, "getByName": true}

// stubSource recognises `<namespace>.get(...)` (or getByName) (optionally awaited or wrapped),
// where the namespace is written in place or held in a local (namespaceSource),
// and returns the object name as written.
func (w *routeWalker) stubSource(v *tnode) (string, bool) {
	s, g := w.s, w.s.g
	v = s.unwrapAwait(v)
	if v == nil || s.kind(v) != "call_expression" {
		return "", false
	}
	fn := s.unwrap(s.field(v, g.fFunction))
	if fn == nil || s.kind(fn) != "member_expression" {
		return "", false
	}
	if prop := s.field(fn, g.fProperty); prop == nil || !stubGetters[s.text(prop)] {
		return "", false
	}
	// const rooms = getDurableObject('chatRoom'); rooms.get(id)
	return w.namespaceOf(s.field(fn, g.fObject))
}

// namespaceSource recognises `durableObjects.X`, `durableObjects['X']` and
// `getDurableObject('x')` and returns the object name as written.
func (w *routeWalker) namespaceSource(ns *tnode) (string, bool) {
	s, g := w.s, w.s.g
	ns = s.unwrapAwait(ns)
	if ns == nil {
		return "", false
	}
	switch s.kind(ns) {
	case "member_expression":
		if w.isDurableObjects(s.field(ns, g.fObject)) {
			if p := s.field(ns, g.fProperty); p != nil {
				return s.text(p), true
			}
		}
	case "subscript_expression":
		if w.isDurableObjects(s.field(ns, g.fObject)) {
			if idx := s.unwrap(s.field(ns, g.fIndex)); idx != nil && s.kind(idx) == "string" {
				return s.stringValue(idx), true
			}
		}
	case "call_expression":
		if w.isGetDurableObject(s.unwrap(s.field(ns, g.fFunction))) {
			if arg := s.unwrap(s.firstNamed(s.field(ns, g.fArguments))); arg != nil && s.kind(arg) == "string" {
				return s.stringValue(arg), true
			}
		}
	}
	return "", false
}

// isDurableObjects reports an expression naming the durableObjects export.
func (w *routeWalker) isDurableObjects(n *tnode) bool {
	return w.isExport(n, w.names.durableObjects, "durableObjects")
}

// isGetDurableObject reports an expression naming the getDurableObject export.
func (w *routeWalker) isGetDurableObject(n *tnode) bool {
	return w.isExport(n, w.names.getDurableObject, "getDurableObject")
}

func (w *routeWalker) isExport(n *tnode, locals map[string]bool, exported string) bool {
	s, g := w.s, w.s.g
	n = s.unwrap(n)
	if n == nil {
		return false
	}
	switch s.kind(n) {
	case "identifier":
		return locals[s.text(n)]
	case "member_expression":
		obj := s.unwrap(s.field(n, g.fObject))
		prop := s.field(n, g.fProperty)
		return obj != nil && prop != nil && s.kind(obj) == "identifier" && w.names.namespaces[s.text(obj)] && s.text(prop) == exported
	}
	return false
}
