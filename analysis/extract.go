// This file defines the extraction of an object file's definition:
// entry points, input screening, and the defineDurableObject call and its
// config object. Methods and parameters are in extract_methods.go.

package analysis

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"unicode/utf8"

	sitter "github.com/tree-sitter/go-tree-sitter"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/textpos"
)

// MaxSourceSize is the largest file the extractors parse. Object and route files
// are small; anything bigger is generated or a mistake and is reported instead.
const MaxSourceSize = 4 << 20

const (
	durableObjectModule = "@cloudwerk/durable-object"
	defineFuncName      = "defineDurableObject"
)

// ConfigKeys are the defineDurableObject config keys the extractor records.
var ConfigKeys = map[string]bool{
	"name": true, "sqlite": true, "schema": true, "init": true, "methods": true,
	"fetch": true, "alarm": true, "webSocketMessage": true, "webSocketClose": true, "webSocketError": true,
}

// ExtractDefinition parses one object file and returns its compact summary.
// The language follows the extension (.tsx/.jsx use the TSX grammar). It never
// panics on bad input: binary, non-UTF-8 or oversized files come back with
// Skipped set.
func ExtractDefinition(path string, src []byte) *Definition {
	def := &Definition{Path: path, Hash: hashSource(src), Fields: map[string]*Field{}}
	if why := screenSource(src); why != "" {
		def.Skipped = why
		return def
	}
	g := grammarFor(LangForPath(path))
	tree := g.parse(src, nil)
	if tree == nil {
		def.Skipped = fmt.Sprintf("parsing took longer than %v; the file was not analysed", budgetFor(len(src)))
		return def
	}
	defer tree.Close()
	fillDefinition(def, g, src, tree)
	return def
}

func hashSource(src []byte) string {
	sum := sha256.Sum256(src)
	return hex.EncodeToString(sum[:])
}

// screenSource says why src must not be parsed, or "" when it may.
func screenSource(src []byte) string {
	if len(src) > MaxSourceSize {
		return fmt.Sprintf("file is too large to analyse (%d bytes; the limit is %d)", len(src), MaxSourceSize)
	}
	if i := bytes.IndexByte(src, 0); i >= 0 {
		return fmt.Sprintf("binary file (NUL byte at offset %d)", i)
	}
	if !utf8.Valid(src) {
		bad := 0
		for bad < len(src) {
			r, size := utf8.DecodeRune(src[bad:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			bad += size
		}
		p := textpos.NewLineIndex(src).Pos(bad)
		return fmt.Sprintf("file is not valid UTF-8 (first invalid byte at line %d, byte offset %d)", p.Line+1, bad)
	}
	return ""
}

// fillDefinition extracts everything from an open tree into def. It is the one
// code path behind ExtractDefinition and Document.Definition.
func fillDefinition(def *Definition, g *grammar, src []byte, tree *sitter.Tree) {
	s := newSyntax(g, src, tree.RootNode(), noPrune, noPrune)
	defer s.release()
	root := s.root()
	def.ParseErrors = s.collectParseErrors(root)
	top := s.scanTopLevel(root)
	def.ExportedTypes = top.exportedTypes

	if top.defaultStmt == nil {
		def.Export = ExportNone
		def.ExportAt = s.firstLineRange()
		return
	}
	def.ExportAt = s.rng(top.defaultStmt)
	def.Export = ExportOther
	if top.defaultDecl || top.defaultValue == nil {
		return
	}
	call := s.resolveLocal(top.defaultValue, top)
	if call == nil || s.kind(call) != "call_expression" {
		return
	}
	callee, ok := s.defineCallee(s.field(call, g.fFunction), top)
	if !ok {
		return
	}
	def.Export = ExportDefine
	def.Callee = callee.text
	def.CalleeBinding, def.CalleeModule, def.CalleeImported = callee.binding, callee.module, callee.imported
	def.CalleeModuleAt = callee.moduleAt
	def.CallAt = s.rng(call)
	if targs := s.field(call, g.fTypeArguments); targs != nil {
		if first := s.firstNamed(targs); first != nil {
			def.StateType = s.text(first)
			def.StateTypeAt = s.rng(first)
		}
	}
	args := s.field(call, g.fArguments)
	var arg *tnode
	if args != nil {
		arg = s.firstNamed(args)
	}
	if arg == nil {
		if args != nil {
			def.ConfigAt = s.rng(args)
		} else {
			def.ConfigAt = def.CallAt
		}
		return
	}
	def.ConfigAt = s.rng(arg)
	obj := s.resolveLocal(arg, top)
	if obj == nil || s.kind(obj) != "object" {
		reason := "defineDurableObject config is not an object literal"
		if s.kind(arg) == "spread_element" {
			reason = "spread argument to defineDurableObject"
		}
		def.Unknowns = append(def.Unknowns, Unknown{At: s.rng(arg), Reason: reason})
		return
	}
	def.ConfigIsLiteral = true
	def.ConfigAt = s.rng(obj) // the literal itself, also when reached through a const
	s.extractConfig(def, obj, top)
}

// calleeFacts is what the default export calls and what binds it.
type calleeFacts struct {
	text             string // the callee as written
	binding          Binding
	module, imported string // when binding == BoundImport
	moduleAt         Range
}

// defineCallee reports whether fn is meant as defineDurableObject and what binds
// it. It is when it is the real export (directly, through an aliased named
// import, or through a namespace import) and also when it only looks like it: the
// bare name with no import or bound by another declaration, an import of that name
// from another module, or a namespace import of another module. Those fail at
// load (DEFINE_NOT_IMPORTED), but the rest of the definition is still analysed.
func (s *syntax) defineCallee(fn *tnode, top *topLevel) (calleeFacts, bool) {
	fn = s.unwrap(fn)
	if fn == nil {
		return calleeFacts{}, false
	}
	switch s.kind(fn) {
	case "identifier":
		name := s.text(fn)
		f := calleeFacts{text: name}
		if imp, ok := top.imports[name]; ok {
			f.binding, f.module, f.imported, f.moduleAt = BoundImport, imp.module, imp.imported, imp.at
			if imp.imported == defineFuncName || (name == defineFuncName && imp.imported != "*") {
				return f, true
			}
			return f, false
		}
		if name != defineFuncName {
			return f, false
		}
		f.binding = BoundNone
		if top.declares(name) {
			f.binding = BoundLocal
		}
		return f, true
	case "member_expression":
		obj := s.unwrap(s.field(fn, s.g.fObject))
		prop := s.field(fn, s.g.fProperty)
		if obj == nil || prop == nil || s.kind(obj) != "identifier" || s.view(prop) != defineFuncName {
			return calleeFacts{}, false
		}
		f := calleeFacts{text: s.text(fn), binding: BoundNone}
		imp, ok := top.imports[s.view(obj)]
		if ok {
			f.binding, f.module, f.imported, f.moduleAt = BoundImport, imp.module, imp.imported, imp.at
		} else if top.declares(s.view(obj)) {
			return f, false // a local object with a method of that name: not ours to judge
		}
		return f, !ok || imp.imported == "*"
	}
	return calleeFacts{}, false
}

// firstLineRange spans the first line (where file-level findings go).
func (s *syntax) firstLineRange() Range {
	end := len(s.src)
	if i := bytes.IndexAny(s.src, "\r\n"); i >= 0 {
		end = i
	}
	return s.idx.Range(0, end)
}

// propertyKey is a config or methods key as written.
type propertyKey struct {
	name     string
	node     *tnode
	computed bool // [expr]
	quoted   bool // 'name'
}

func (s *syntax) keyOf(n *tnode) propertyKey {
	if n == nil || n.missing() {
		// `(){}` parses with a zero-width MISSING name: there is no key (the
		// parse error is reported on its own).
		return propertyKey{}
	}
	k := propertyKey{node: n, name: s.text(n)}
	switch s.kind(n) {
	case "string":
		k.name, k.quoted = s.stringValue(n), true
	case "computed_property_name":
		k.computed = true
		if inner := s.firstNamed(n); inner != nil {
			k.name = s.text(inner)
		}
	}
	return k
}

// extractConfig records the recognised keys of the config object and then the
// entries of `methods`.
func (s *syntax) extractConfig(def *Definition, obj *tnode, top *topLevel) {
	var methodsValue *tnode
	for _, prop := range s.namedChildren(obj) {
		field, value := s.extractConfigProp(def, prop, top)
		if field == nil {
			continue
		}
		def.Fields[field.Key] = field // a repeated key overrides, as in JavaScript
		if field.Key == "methods" {
			methodsValue = nil
			if s.kind(prop) != "method_definition" {
				methodsValue = value
			}
		}
	}
	if m, ok := def.Fields["methods"]; ok && m.Kind == KindObject && methodsValue != nil {
		s.extractMethods(def, s.resolveLocal(methodsValue, top), top)
	}
}

// extractConfigProp returns the field one property of the config object
// records (nil for none) and its value node, appending the property's
// unknowns and context uses to def. It is also how a document re-extracts the
// one handler an edit touched (document_incremental.go).
func (s *syntax) extractConfigProp(def *Definition, prop *tnode, top *topLevel) (*Field, *tnode) {
	var key propertyKey
	var value *tnode
	field := &Field{At: s.rng(prop)}
	switch s.kind(prop) {
	case "pair":
		key = s.keyOf(s.field(prop, s.g.fKey))
		value = s.field(prop, s.g.fValue)
	case "method_definition":
		key = s.keyOf(s.field(prop, s.g.fName))
		value = prop
	case "shorthand_property_identifier":
		key = propertyKey{name: s.text(prop), node: prop}
		value = prop
	case "spread_element":
		def.Unknowns = append(def.Unknowns, Unknown{At: s.rng(prop), Reason: "spread in defineDurableObject config"})
		return nil, nil
	default:
		return nil, nil // ERROR nodes and the like: already in ParseErrors
	}
	if key.node == nil {
		return nil, nil
	}
	if key.computed {
		def.Unknowns = append(def.Unknowns, Unknown{At: s.rng(prop), Reason: "computed key in defineDurableObject config"})
		return nil, nil
	}
	if !ConfigKeys[key.name] {
		return nil, nil
	}
	field.Key = key.name
	field.KeyAt = s.rng(key.node)
	if value == nil {
		return nil, nil
	}
	field.Value = s.rng(value)
	if key.name != "methods" && key.name != "schema" {
		if fn := s.functionValue(value, top); fn != nil {
			s.collectContextUses(def, key.name, fn, key.name == "init")
		}
	}
	if s.kind(prop) == "method_definition" {
		field.Kind = KindFunction
		if s.isAccessor(prop) {
			field.Kind = KindUnknown
		}
	} else {
		field.Kind, field.Str, field.Bool = s.classify(value)
		if field.Kind == KindUnknown {
			s.refineUnknownField(def, field, value, top)
		}
	}
	return field, value
}

// refineUnknownField resolves a non-literal config value through top-level
// declarations (a named function, a const literal) and records what stays unknown.
func (s *syntax) refineUnknownField(def *Definition, field *Field, value *tnode, top *topLevel) {
	if s.resolveFunction(value, top) != nil {
		field.Kind = KindFunction
		return
	}
	if resolved := s.resolveLocal(value, top); resolved != nil && resolved != s.unwrap(value) {
		if k, str, b := s.classify(resolved); k != KindUnknown {
			field.Kind, field.Str, field.Bool = k, str, b
			return
		}
	}
	if field.Key == "schema" {
		return // a schema is always an expression (z.object(...)); nothing to check statically
	}
	def.Unknowns = append(def.Unknowns, Unknown{At: field.Value, Reason: fmt.Sprintf("the value of %s is not statically known", field.Key)})
}

// functionValue is the function a config value is (in place, or a named
// top-level function), or nil.
func (s *syntax) functionValue(value *tnode, top *topLevel) *tnode {
	if v := s.unwrap(value); v != nil && isFunctionKind(s.kind(v)) {
		return v
	}
	return s.resolveFunction(value, top)
}
