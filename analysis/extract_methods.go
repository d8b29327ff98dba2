// This file defines the extraction of the `methods` object: every entry form,
// its parameters, return annotation and async-ness.

package analysis

import (
	"strings"
)

// extractMethods records each entry of the `methods` object literal in source order.
func (s *syntax) extractMethods(def *Definition, obj *tnode, top *topLevel) {
	if obj == nil || s.kind(obj) != "object" {
		return
	}
	for _, prop := range s.namedChildren(obj) {
		s.extractMethod(def, prop, top)
	}
}

// extractMethod records one entry of the `methods` object (appending to
// def.Methods, and to its Unknowns, ContextUses and ParamUses). It is also how
// a document re-extracts the one method an edit touched (document_incremental.go).
func (s *syntax) extractMethod(def *Definition, prop *tnode, top *topLevel) {
	var m Method
	var key propertyKey
	switch s.kind(prop) {
	case "method_definition":
		key = s.keyOf(s.field(prop, s.g.fName))
		m.Form, m.Kind = FormMethod, KindFunction
		if s.isAccessor(prop) {
			// get m() {} defines a property whose value is whatever the getter returns.
			m.Form, m.Kind = FormOther, KindUnknown
		} else {
			s.fillSignature(&m, prop)
		}
	case "pair":
		key = s.keyOf(s.field(prop, s.g.fKey))
		value := s.unwrap(s.field(prop, s.g.fValue))
		if value == nil {
			return
		}
		switch s.kind(value) {
		case "arrow_function":
			m.Form, m.Kind = FormArrow, KindFunction
			s.fillSignature(&m, value)
		case "function_expression", "function", "generator_function":
			m.Form, m.Kind = FormFunction, KindFunction
			s.fillSignature(&m, value)
		default:
			m.Form = FormOther
			m.Kind, _, _ = s.classify(value)
			if fn := s.resolveFunction(value, top); fn != nil {
				m.Kind = KindFunction
				s.fillSignature(&m, fn)
			} else if m.Kind == KindUnknown {
				def.Unknowns = append(def.Unknowns, Unknown{At: s.rng(value), Reason: "the value of method " + s.keyOf(s.field(prop, s.g.fKey)).name + " is not statically known"})
			}
		}
	case "shorthand_property_identifier":
		key = propertyKey{name: s.text(prop), node: prop}
		m.Form, m.Kind = FormShorthand, KindUnknown
		if fn := s.resolveFunction(prop, top); fn != nil {
			// The value is a function declared in this file: its signature is known.
			m.Kind = KindFunction
			s.fillSignature(&m, fn)
		} else {
			def.Unknowns = append(def.Unknowns, Unknown{At: s.rng(prop), Reason: "the value of method " + key.name + " is not statically known"})
		}
	case "spread_element":
		def.Unknowns = append(def.Unknowns, Unknown{At: s.rng(prop), Reason: "spread in methods"})
		return
	default:
		return
	}
	if key.node == nil {
		return
	}
	firstParamUse := len(def.ParamUses)
	if fn := s.methodFunction(prop, top); fn != nil {
		s.collectContextUses(def, "methods."+key.name, fn, false)
	}
	for _, u := range def.ParamUses[firstParamUse:] {
		if u.Index < len(m.Params) && IsContextParamUse(u.Name, u.Member) {
			m.Params[u.Index].Context = true
		}
	}
	m.Name = key.name
	m.NameAt = s.rng(key.node)
	m.At = s.rng(prop)
	m.ComputedKey = key.computed
	m.StringKey = key.quoted
	if key.computed {
		def.Unknowns = append(def.Unknowns, Unknown{At: s.rng(key.node), Reason: "computed method name"})
	}
	def.Methods = append(def.Methods, m)
}

// isAccessor reports a `get x()` / `set x()` method definition.
func (s *syntax) isAccessor(n *tnode) bool {
	for c := s.firstChild(n); c != nil; c = s.nextSibling(c) {
		if c.named() {
			// Modifiers come before the name; the first named child that is not a
			// modifier is the name.
			switch s.kind(c) {
			case "accessibility_modifier", "override_modifier", "decorator", "comment":
				continue
			}
			return false
		}
		if k := s.kind(c); k == "get" || k == "set" {
			return true
		}
	}
	return false
}

// fillSignature copies async-ness, parameters and return annotation of a
// function-like node (method definition, arrow, function expression or declaration).
func (s *syntax) fillSignature(m *Method, fn *tnode) {
	for c := s.firstChild(fn); c != nil; c = s.nextSibling(c) {
		if !c.named() && s.kind(c) == "async" {
			m.Async = true
			break
		}
		if c.named() && s.kind(c) != "accessibility_modifier" && s.kind(c) != "override_modifier" &&
			s.kind(c) != "decorator" && s.kind(c) != "comment" {
			break // past the modifiers: async would have come first
		}
	}
	if rt := s.field(fn, s.g.fReturnType); rt != nil {
		m.ReturnType = s.annotationText(rt)
	}
	if p := s.field(fn, s.g.fParameter); p != nil {
		// x => ...: a single identifier without parentheses.
		m.Params = []Param{{Name: s.text(p)}}
		return
	}
	params := s.field(fn, s.g.fParameters)
	if params == nil {
		return
	}
	m.Params = []Param{}
	for _, p := range s.namedChildren(params) {
		var param Param
		switch s.kind(p) {
		case "required_parameter":
		case "optional_parameter":
			param.Optional = true
		default:
			continue
		}
		pattern := s.field(p, s.g.fPattern)
		if pattern == nil {
			pattern = s.field(p, s.g.fName)
		}
		if pattern == nil {
			continue
		}
		if s.kind(pattern) == "this" {
			continue // a TypeScript `this` parameter is a type, not an argument
		}
		if s.kind(pattern) == "rest_pattern" {
			param.Rest = true
			if inner := s.firstNamed(pattern); inner != nil {
				pattern = inner
			}
		}
		param.Name = s.text(pattern)
		if t := s.field(p, s.g.fType); t != nil {
			param.Type = s.annotationText(t)
		}
		if v := s.field(p, s.g.fValue); v != nil {
			param.Default = s.text(v)
			param.DefaultKin, _, _ = s.classify(v)
		}
		m.Params = append(m.Params, param)
	}
}

// annotationText is a type annotation's text without its leading colon.
func (s *syntax) annotationText(n *tnode) string {
	if s.kind(n) == "type_annotation" {
		if t := s.firstNamed(n); t != nil {
			return s.text(t)
		}
	}
	return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s.text(n)), ":"))
}

// methodFunction is the function behind a methods entry, or nil.
func (s *syntax) methodFunction(prop *tnode, top *topLevel) *tnode {
	switch s.kind(prop) {
	case "method_definition":
		if s.isAccessor(prop) {
			return nil
		}
		return prop
	case "pair":
		return s.functionValue(s.field(prop, s.g.fValue), top)
	case "shorthand_property_identifier":
		return s.resolveFunction(prop, top)
	}
	return nil
}
