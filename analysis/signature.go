// This file defines Method.Signature: how a caller sees an RPC method (names,
// types, optional and rest parameters, the result), shared by hover, completion,
// `list`/`info` and the generated stubs.

package analysis

import (
	"strconv"
	"strings"
)

// Signature is a method as a caller sees it through a stub.
type Signature struct {
	Name   string
	Params []SigParam
	// Returns is the return annotation as written, "" when there is none.
	Returns string
	Async   bool
	// Known is false when the method's value is not a function the tool can read:
	// it accepts anything (one rest parameter `args: unknown[]`) and promises nothing.
	Known bool
}

// SigParam is one parameter as a caller passes it.
type SigParam struct {
	// Name is the parameter's identifier, or argN (N its position) for a
	// destructuring pattern, a non-identifier or a repeated name.
	Name string
	// Type is the annotation as written, else the type of a literal default
	// (number, string, boolean), else unknown (unknown[] for a rest parameter).
	Type string
	// Optional: `?` or a default, with no required parameter after it.
	Optional bool
	// OrUndefined: `?` or a default before a required parameter, so it must be
	// passed but may be undefined.
	OrUndefined bool
	Rest        bool
	// Index is the parameter's position in Method.Params.
	Index int
}

// Signature returns how a caller sees m. Parameters after a rest parameter are
// dropped (nothing may follow one), and so is a parameter the body uses as the
// context (HANDLER_PARAMS): the runtime never passes one there.
func (m *Method) Signature() Signature {
	sig := Signature{Name: m.Name, Returns: m.ReturnType, Async: m.Async,
		Known: m.Form == FormMethod || m.Form == FormArrow || m.Form == FormFunction}
	if !sig.Known {
		sig.Params = []SigParam{{Name: "args", Type: "unknown[]", Rest: true}}
		sig.Returns, sig.Async = "", true
		return sig
	}
	lastRequired := -1
	for i, p := range m.Params {
		if !p.Rest && !p.Optional && p.Default == "" && !p.Context {
			lastRequired = i
		}
	}
	sig.Params = make([]SigParam, 0, len(m.Params))
	for i, p := range m.Params {
		if p.Context {
			continue
		}
		name := p.Name
		if !IsIdentifier(name) || paramNamed(sig.Params, name) {
			name = "arg" + strconv.Itoa(i)
		}
		sp := SigParam{Name: name, Type: p.Type, Rest: p.Rest, Index: i}
		if sp.Type == "" {
			sp.Type = literalType(p.DefaultKin, p.Default != "")
		}
		if p.Rest {
			if p.Type == "" {
				sp.Type = "unknown[]"
			}
		} else if p.Optional || p.Default != "" {
			sp.OrUndefined = i < lastRequired
			sp.Optional = !sp.OrUndefined
		}
		sig.Params = append(sig.Params, sp)
		if p.Rest {
			break
		}
	}
	return sig
}

// String renders the signature as TypeScript declares a method:
// `increment(by?: number): Promise<number>`. Without a return annotation the
// result is unknown (Promise<unknown> for an async method).
func (s Signature) String() string {
	ret := s.Returns
	if ret == "" {
		ret = "unknown"
		if s.Async {
			ret = "Promise<unknown>"
		}
	}
	return s.Name + "(" + ParamList(s.Params, func(t string) string { return t }) + "): " + ret
}

// ParamList prints params without parentheses, each type passed through typ
// (which may rewrite type text for another file); an OrUndefined parameter's
// type gets `| undefined`.
func ParamList(params []SigParam, typ func(string) string) string {
	var b strings.Builder
	for i, p := range params {
		if i > 0 {
			b.WriteString(", ")
		}
		t := typ(p.Type)
		switch {
		case p.Rest:
			if t == "unknown" {
				t = "unknown[]"
			}
			writeAll(&b, "...", p.Name, ": ", t)
		case p.Optional:
			writeAll(&b, p.Name, "?: ", t)
		case p.OrUndefined && t != "unknown" && t != "any":
			writeAll(&b, p.Name, ": (", t, ") | undefined")
		default:
			writeAll(&b, p.Name, ": ", t)
		}
	}
	return b.String()
}

func writeAll(b *strings.Builder, parts ...string) {
	for _, p := range parts {
		b.WriteString(p)
	}
}

func paramNamed(params []SigParam, name string) bool {
	for _, p := range params {
		if p.Name == name {
			return true
		}
	}
	return false
}

// literalType is the TypeScript type of a literal default value.
func literalType(k ValueKind, hasDefault bool) string {
	if hasDefault {
		switch k {
		case KindNumber:
			return "number"
		case KindString:
			return "string"
		case KindBool:
			return "boolean"
		}
	}
	return "unknown"
}

// IsIdentifier reports whether s is a plain (ASCII) JavaScript identifier and
// not a reserved word.
func IsIdentifier(s string) bool {
	if s == "" || reservedWords[s] {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !IdentByte(s[i], i == 0) {
			return false
		}
	}
	return true
}

// IdentByte reports whether the ASCII byte c may stand in an identifier (first:
// at its start).
func IdentByte(c byte, first bool) bool {
	return c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9')
}

var reservedWords = map[string]bool{
	"break": true, "case": true, "catch": true, "class": true, "const": true, "continue": true, "debugger": true,
	"default": true, "delete": true, "do": true, "else": true, "enum": true, "export": true, "extends": true,
	"false": true, "finally": true, "for": true, "function": true, "if": true, "import": true, "in": true,
	"instanceof": true, "new": true, "null": true, "return": true, "super": true, "switch": true, "this": true,
	"throw": true, "true": true, "try": true, "typeof": true, "var": true, "void": true, "while": true, "with": true,
	"yield": true, "let": true, "static": true, "implements": true, "interface": true, "package": true,
	"private": true, "protected": true, "public": true, "await": true,
}
