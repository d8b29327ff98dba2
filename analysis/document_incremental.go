// This file defines incremental extraction for open documents: after
// an edit strictly inside one RPC method or one handler (init, fetch, alarm,
// webSocket*) that leaves the rest of the tree as it was, only that unit is
// extracted again; every other fact is the previous definition's, its
// positions moved past the edit. Anything else (an edit elsewhere, a parse
// error, a structural change beyond the unit, capped use lists, a repeated
// name) takes the full extraction, and the tests hold both to the same result.

package analysis

import (
	"bytes"
	"slices"
	"strings"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/textpos"
	sitter "github.com/tree-sitter/go-tree-sitter"
)

// pendingEdit is an edit made since the document's last definition.
type pendingEdit struct {
	start, oldEnd, newEnd int // byte offsets; oldEnd in the old text, newEnd in the new
	oldEndPos             Pos // oldEnd's position in the old text
	cr                    bool
}

// noteEdit records an edit for the next Definition (old is the text before it).
func (d *Document) noteEdit(old []byte, start, end int, newText string) {
	if d.prev == nil || len(d.pending) > 0 {
		d.pending = append(d.pending, pendingEdit{}) // more than one edit: extract in full
		return
	}
	d.pending = append(d.pending, pendingEdit{
		start: start, oldEnd: end, newEnd: start + len(newText),
		oldEndPos: textpos.PosAt(old, end),
		cr:        strings.IndexByte(newText, '\r') >= 0 || bytes.IndexByte(old[start:end], '\r') >= 0,
	})
}

// handlerKeys are the config keys whose function value is re-extracted alone
// when an edit stays inside it (their facts are the field and its context uses).
var handlerKeys = map[string]bool{"init": true, "fetch": true, "alarm": true, "webSocketMessage": true, "webSocketClose": true, "webSocketError": true}

// incrementalDefinition returns the definition of the current text built from
// the previous one, or nil when the full extraction must run. tree is the new
// tree, old the previous one (edited), both owned by the caller.
func (d *Document) incrementalDefinition(tree, old *sitter.Tree, hash string) *Definition {
	p := d.prev
	if p == nil || old == nil || len(d.pending) != 1 || d.pending[0].cr ||
		p.Skipped != "" || len(p.ParseErrors) > 0 || p.Export != ExportDefine || !p.ConfigIsLiteral ||
		len(p.ContextUses) >= maxContextUses || len(p.ParamUses) >= maxContextUses {
		return nil
	}
	e := d.pending[0]
	inside := func(r Range) bool { return e.start > int(r.Start.Offset) && e.oldEnd < int(r.End.Offset) }
	// The unit the edit is strictly inside: one method, or one handler.
	var unit Range
	var in string // the unit's ContextUse.In
	mi := -1
	for i := range p.Methods {
		if inside(p.Methods[i].At) {
			mi, unit, in = i, p.Methods[i].At, "methods."+p.Methods[i].Name
			break
		}
	}
	if mi < 0 {
		for k, f := range p.Fields {
			if handlerKeys[k] && f.Kind == KindFunction && inside(f.At) {
				unit, in = f.At, k
				break
			}
		}
	}
	if in == "" {
		return nil
	}
	for _, u := range p.Unknowns {
		if u.At.Start.Offset >= unit.Start.Offset && u.At.End.Offset <= unit.End.Offset {
			return nil
		}
	}
	root := tree.RootNode()
	if root.HasError() {
		return nil
	}
	delta := e.newEnd - e.oldEnd
	start, end := int(unit.Start.Offset), int(unit.End.Offset)+delta
	// Outside the unit, every node must keep its ancestors.
	for _, r := range old.ChangedRanges(tree) {
		if int(r.StartByte) < start || int(r.EndByte) > end {
			return nil
		}
	}
	found := root.NamedDescendantForByteRange(uint(start), uint(end))
	if found == nil || int(found.StartByte()) != start || int(found.EndByte()) != end {
		return nil
	}
	// A method definition's facts need no top-level declarations (nothing in it
	// is resolved through them): only its subtree is copied, unless it is a
	// handler whose key must still be checked against the config's other keys
	// (see below). Anything else gets the top level, and of the rest of the
	// config only its keys (reading further is detected and takes the full
	// extraction).
	keyChecked := d.single.def == p && d.single.key == in
	var s *syntax
	var prop *tnode
	top := &topLevel{}
	if id := int(found.KindId()); (mi >= 0 || keyChecked) && id < len(d.g.kinds) && d.g.kinds[id] == "method_definition" {
		s = newSyntax(d.g, d.text, found, noPrune, noPrune)
		prop = s.root()
	} else {
		cfg := p.ConfigAt
		s = newSyntax(d.g, d.text, root,
			[2]uint32{uint32(cfg.Start.Offset), uint32(int(cfg.End.Offset) + delta)}, [2]uint32{uint32(start), uint32(end)})
		prop = s.namedDescendant(uint32(start), uint32(end))
		if prop == nil || prop.start != uint32(start) || prop.end != uint32(end) || prop.sym != found.KindId() {
			s.release()
			return nil
		}
		top = s.scanTopLevel(s.root())
	}
	defer s.release()
	one := &Definition{Fields: map[string]*Field{}}
	sh := shift{from: e.oldEnd, delta: delta, oldEnd: e.oldEndPos, newEnd: s.idx.Pos(e.newEnd)}
	var nd *Definition
	var before func(in string) bool // the uses listed before the unit's
	if mi >= 0 {
		name := p.Methods[mi].Name
		for i := range p.Methods {
			if i != mi && p.Methods[i].Name == name {
				return nil // uses are attributed by method name
			}
		}
		s.extractMethod(one, prop, top)
		if len(one.Methods) != 1 || one.Methods[0].Name != name || len(one.Unknowns) > 0 {
			return nil
		}
		nd = sh.definitionButUses(p)
		nd.Methods[mi] = one.Methods[0]
		earlier := map[string]bool{}
		for _, x := range p.Methods[:mi] {
			earlier["methods."+x.Name] = true
		}
		// Handlers' uses come first, then each method's in method order.
		before = func(k string) bool { return !strings.HasPrefix(k, "methods.") || earlier[k] }
	} else {
		field, _ := s.extractConfigProp(one, prop, top)
		if field == nil || field.Key != in || field.Kind != KindFunction || len(one.Unknowns) > 0 {
			return nil
		}
		// Whether the key appears once cannot change while the edits stay
		// inside its unit (the rest of the tree is as it was, checked above, and
		// the unit keeps its key), so it is looked up once per run of them.
		if !keyChecked {
			if s.repeatedKey(p, in, sh) {
				return nil
			}
		}
		nd = sh.definitionButUses(p)
		nd.Fields[in] = field
		at := unit.Start.Offset
		// Handlers' uses come in the order of the config's properties.
		before = func(k string) bool { f := p.Fields[k]; return f != nil && f.At.Start.Offset < at }
	}
	nd.Hash = hash
	nd.ContextUses = spliceUses(p.ContextUses, one.ContextUses, in, before, func(u ContextUse) string { return u.In }, sh.contextUse)
	nd.ParamUses = spliceUses(p.ParamUses, one.ParamUses, in, before, func(u ParamUse) string { return u.In }, sh.paramUse)
	// Under the caps the full walk never stopped early, so the lists are exact.
	if len(nd.ContextUses) >= maxContextUses || len(nd.ParamUses) >= maxContextUses || s.prunedRead {
		return nil
	}
	if mi < 0 {
		d.single.def, d.single.key = nd, in
	}
	return nd
}

// repeatedKey reports whether the config object (now) has key more than once:
// the uses of both properties would carry the same name.
func (s *syntax) repeatedKey(p *Definition, key string, sh shift) bool {
	at := sh.rng(p.ConfigAt)
	obj := s.namedDescendant(uint32(at.Start.Offset), uint32(at.End.Offset))
	if obj == nil || s.kind(obj) != "object" {
		return true
	}
	n := 0
	for _, prop := range s.namedChildren(obj) {
		var k *tnode
		switch s.kind(prop) {
		case "pair":
			k = s.field(prop, s.g.fKey)
		case "method_definition":
			k = s.field(prop, s.g.fName)
		case "shorthand_property_identifier":
			k = prop
		}
		if k != nil && s.keyOf(k).name == key {
			n++
		}
	}
	return n != 1
}

// spliceUses replaces the uses of unit `in` with repl, in a new slice where
// every other use is shifted by move. A unit without uses before gets them
// after the last use of the units listed before it.
func spliceUses[U any](uses, repl []U, in string, before func(string) bool, inOf func(U) string, move func(*U)) []U {
	a, b, insert := -1, -1, 0
	for i, u := range uses {
		switch k := inOf(u); {
		case k == in:
			if a < 0 {
				a = i
			}
			b = i + 1
		case before(k):
			insert = i + 1
		}
	}
	if a < 0 {
		a, b = insert, insert
	}
	if len(uses)-(b-a)+len(repl) == 0 {
		return nil // as the full extraction leaves it
	}
	out := make([]U, 0, len(uses)-(b-a)+len(repl))
	out = append(out, uses[:a]...)
	out = append(out, repl...)
	out = append(out, uses[b:]...)
	for i := range out[:a] {
		move(&out[i])
	}
	for i := a + len(repl); i < len(out); i++ {
		move(&out[i])
	}
	return out
}

// shift moves positions at or after one edit's old end to where they are now.
type shift struct {
	from, delta    int
	oldEnd, newEnd Pos // the edit's end before and after
}

func (sh shift) pos(p Pos) Pos {
	if int(p.Offset) < sh.from {
		return p
	}
	q := Pos{Offset: p.Offset + int32(sh.delta), Line: p.Line + sh.newEnd.Line - sh.oldEnd.Line, Col16: p.Col16}
	if p.Line == sh.oldEnd.Line {
		q.Col16 = sh.newEnd.Col16 + p.Col16 - sh.oldEnd.Col16
	}
	return q
}

func (sh shift) rng(r Range) Range { return Range{Start: sh.pos(r.Start), End: sh.pos(r.End)} }

// definition is a copy of p (sharing nothing mutable) with every position
// shifted. TestShiftCoversEveryPosition fails when a field holding a position
// is added to the model and not here.
func (sh shift) definition(p *Definition) *Definition {
	nd := sh.definitionButUses(p)
	nd.ContextUses = shiftAll(sh, p.ContextUses, sh.contextUse)
	nd.ParamUses = shiftAll(sh, p.ParamUses, sh.paramUse)
	return nd
}

// contextUse and paramUse shift one (copied) use.
func (sh shift) contextUse(u *ContextUse) {
	u.At = sh.rng(u.At)
	if u.ArrayArg != nil { // a new Range: the previous definition keeps its own
		r := sh.rng(*u.ArrayArg)
		u.ArrayArg = &r
	}
}

func (sh shift) paramUse(u *ParamUse) { u.ParamAt, u.At = sh.rng(u.ParamAt), sh.rng(u.At) }

// definitionButUses is definition leaving the use lists to the caller: they
// are p's (shared, unshifted) until replaced (spliceUses shifts what it copies).
func (sh shift) definitionButUses(p *Definition) *Definition {
	nd := *p
	nd.ParseErrors = shiftAll(sh, p.ParseErrors, func(r *Range) { *r = sh.rng(*r) })
	nd.ExportAt, nd.CallAt, nd.CalleeModuleAt = sh.rng(p.ExportAt), sh.rng(p.CallAt), sh.rng(p.CalleeModuleAt)
	nd.StateTypeAt, nd.ConfigAt = sh.rng(p.StateTypeAt), sh.rng(p.ConfigAt)
	nd.Fields = make(map[string]*Field, len(p.Fields))
	for k, f := range p.Fields {
		c := *f
		c.KeyAt, c.At, c.Value = sh.rng(f.KeyAt), sh.rng(f.At), sh.rng(f.Value)
		nd.Fields[k] = &c
	}
	// The methods' parameters are copied into one array (a 190-method file
	// made 190 allocations per keystroke), each method keeping its own part.
	n := 0
	for _, m := range p.Methods {
		n += len(m.Params)
	}
	params := make([]Param, 0, n)
	nd.Methods = shiftAll(sh, p.Methods, func(m *Method) {
		m.NameAt, m.At = sh.rng(m.NameAt), sh.rng(m.At)
		if m.Params != nil {
			from := len(params)
			params = append(params, m.Params...)
			m.Params = params[from:len(params):len(params)]
		}
	})
	nd.Unknowns = shiftAll(sh, p.Unknowns, func(u *Unknown) { u.At = sh.rng(u.At) })
	nd.ExportedTypes = slices.Clone(p.ExportedTypes)
	return &nd
}

// shiftAll copies xs and applies f to each copy (nil and empty stay so).
func shiftAll[T any](_ shift, xs []T, f func(*T)) []T {
	out := slices.Clone(xs)
	for i := range out {
		f(&out[i])
	}
	return out
}
