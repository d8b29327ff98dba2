// This file defines how an extracted RPC method becomes a TypeScript signature:
// parameter and return types from annotation text, literal defaults, exported
// types referenced through import('...'), and `unknown` for everything else.
package codegen

import (
	"path/filepath"
	"strings"
	"sync"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

// rpcMethod is one generated RPC method, ready to print in a stub interface or a class.
type rpcMethod struct {
	Name   string
	Params []rpcParam
	// Result is the stub's return type: Promise<Awaited<T>> for an annotated T, else Promise<unknown>.
	Result string
	// Awaited is T in Awaited<T> ("unknown" when the return type is not annotated or not resolvable).
	Awaited string
}

type rpcParam struct {
	Name     string // a plain identifier (destructuring patterns become argN)
	Type     string
	Optional bool
	Rest     bool
}

// paramList prints the parameter list without parentheses.
func (m rpcMethod) paramList() string {
	if len(m.Params) == 0 {
		return ""
	}
	var b strings.Builder
	n := 0
	for _, p := range m.Params {
		n += len(p.Name) + len(p.Type) + 7
	}
	b.Grow(n)
	for i, p := range m.Params {
		if i > 0 {
			b.WriteString(", ")
		}
		switch {
		case p.Rest:
			writeAll(&b, "...", p.Name, ": ", p.Type)
		case p.Optional:
			writeAll(&b, p.Name, "?: ", p.Type)
		default:
			writeAll(&b, p.Name, ": ", p.Type)
		}
	}
	return b.String()
}

// argList prints the argument names forwarded to the definition (`...rest` spread).
func (m rpcMethod) argList() string {
	switch {
	case len(m.Params) == 0:
		return ""
	case len(m.Params) == 1 && !m.Params[0].Rest:
		return m.Params[0].Name
	}
	var b strings.Builder
	for i, p := range m.Params {
		if i > 0 {
			b.WriteString(", ")
		}
		if p.Rest {
			b.WriteString("...")
		}
		b.WriteString(p.Name)
	}
	return b.String()
}

// typeScope resolves annotation text written inside one object file for use in
// another generated file: exported types are qualified with import('<rel>').
type typeScope struct {
	importPath string          // module specifier of the object file, relative to the generated file
	exported   map[string]bool // types the object file exports, when there are many
	types      []string        // types the object file exports, when there are few (exported is nil)
}

// manyExports is the number of exported types from which a scope looks them up in a map.
const manyExports = 16

// newTypeScope is the scope of def's file imported as importPath.
func newTypeScope(importPath string, def *analysis.Definition) typeScope {
	ts := typeScope{importPath: importPath}
	if def != nil {
		ts.setExported(def.ExportedTypes)
	}
	return ts
}

func (s *typeScope) setExported(types []string) {
	if len(types) < manyExports {
		s.types = types
		return
	}
	s.exported = make(map[string]bool, len(types))
	for _, t := range types {
		s.exported[t] = true
	}
}

// isExported reports whether the object file exports the type name.
func (s typeScope) isExported(name string) bool {
	if s.exported != nil {
		return s.exported[name]
	}
	for _, t := range s.types {
		if t == name {
			return true
		}
	}
	return false
}

// importFrom is the module specifier of o's file seen from a file in genDir, a
// folder given relative to the app root (slash-separated). It is relImport's
// answer, shortened when o's path relative to the root is known and outside
// genDir's first folder: then it is "../" per level of genDir plus that path.
func (o object) importFrom(root, genDir string) string {
	local := o.rootImport
	if local != "" {
		first, _, _ := strings.Cut(local, "/")
		genFirst, _, _ := strings.Cut(genDir, "/")
		if up := 3 * (strings.Count(genDir, "/") + 1); !strings.EqualFold(first, genFirst) && up <= len(parentDirs) {
			return parentDirs[:up] + local
		}
	}
	return relImport(filepath.Join(root, filepath.FromSlash(genDir)), o.Entry.Path)
}

const parentDirs = "../../../../../../../../"

// rootImport is the extension-less, slash-separated path of an object file
// relative to the app root, when it is a plain path inside it (rel is
// filepath.Rel(root, path)); "" otherwise.
func rootImport(rel string) string {
	if rel == "." || !filepath.IsLocal(rel) {
		return ""
	}
	noExt := filepath.ToSlash(strings.TrimSuffix(rel, filepath.Ext(rel)))
	for part := range strings.SplitSeq(noExt, "/") {
		if part == "" || part == "." || part == ".." {
			return "" // a path relImport would clean: leave it to relImport
		}
	}
	return noExt
}

// relImport is the extension-less module specifier of target as seen from a file in dir,
// always starting with "./" or "../" and using forward slashes.
func relImport(dir, target string) string {
	noExt := strings.TrimSuffix(target, filepath.Ext(target))
	rel, err := filepath.Rel(dir, noExt)
	if err != nil {
		rel = noExt
	}
	rel = filepath.ToSlash(rel)
	if !strings.HasPrefix(rel, "../") && !strings.HasPrefix(rel, "./") {
		rel = "./" + rel
	}
	return rel
}

// classMembers are instance properties of DurableObject: a method of the same
// name cannot be declared on the generated class (TS2425) nor reached over RPC.
var classMembers = map[string]bool{"ctx": true, "env": true}

// buildMethods turns the definition's statically known RPC methods into signatures.
// Methods the runtime would refuse (reserved or non-identifier names), names the
// class cannot carry and computed keys are left out; duplicates keep the last one,
// as an object literal does.
func buildMethods(def *analysis.Definition, scope typeScope) []rpcMethod {
	if def == nil {
		return nil
	}
	var index map[string]int // by name, once there are many methods
	out := make([]rpcMethod, 0, len(def.Methods))
	for i := range def.Methods {
		m := &def.Methods[i]
		if m.ComputedKey || !analysis.ValidMethodName(m.Name) || analysis.ReservedMethodNames[m.Name] || classMembers[m.Name] {
			continue
		}
		rm := buildMethod(m, scope)
		if j := methodIndex(out, index, m.Name); j >= 0 {
			out[j] = rm
			continue
		}
		if index == nil && len(out) >= manyMethods {
			index = make(map[string]int, len(def.Methods))
			for j, o := range out {
				index[o.Name] = j
			}
		}
		if index != nil {
			index[m.Name] = len(out)
		}
		out = append(out, rm)
	}
	return out
}

// manyMethods is the number of methods from which buildMethods finds duplicates with a map.
const manyMethods = 16

// methodIndex is the position of the method called name in out, or -1.
func methodIndex(out []rpcMethod, index map[string]int, name string) int {
	if index != nil {
		if j, ok := index[name]; ok {
			return j
		}
		return -1
	}
	for j := range out {
		if out[j].Name == name {
			return j
		}
	}
	return -1
}

func buildMethod(m *analysis.Method, scope typeScope) rpcMethod {
	rm := rpcMethod{Name: m.Name, Awaited: "unknown"}
	known := m.Form == analysis.FormMethod || m.Form == analysis.FormArrow || m.Form == analysis.FormFunction
	if !known {
		// The value is not statically known: accept anything, promise nothing.
		rm.Params = []rpcParam{{Name: "args", Type: "unknown[]", Rest: true}}
		rm.Result = "Promise<unknown>"
		return rm
	}
	// A parameter with a default or `?` is optional only when no required one follows it.
	lastRequired := -1
	for i, p := range m.Params {
		if !p.Rest && !p.Optional && p.Default == "" {
			lastRequired = i
		}
	}
	rm.Params = make([]rpcParam, 0, len(m.Params))
	for i, p := range m.Params {
		name := p.Name
		if !isIdentifier(name) || paramNamed(rm.Params, name) {
			name = "arg" + itoa(i)
		}
		rp := rpcParam{Name: name, Rest: p.Rest}
		switch {
		case p.Type != "":
			rp.Type = scope.resolve(p.Type)
		case p.Default != "":
			rp.Type = literalType(p.DefaultKin)
		default:
			rp.Type = "unknown"
		}
		if p.Rest {
			if p.Type == "" || rp.Type == "unknown" {
				rp.Type = "unknown[]"
			}
		} else if p.Optional || p.Default != "" {
			if i < lastRequired {
				rp.Type = unionUndefined(rp.Type)
			} else {
				rp.Optional = true
			}
		}
		rm.Params = append(rm.Params, rp)
		if p.Rest {
			break // nothing may follow a rest parameter
		}
	}
	if m.ReturnType != "" {
		rm.Awaited = scope.resolve(m.ReturnType)
	}
	if rm.Awaited == "unknown" {
		rm.Result = "Promise<unknown>"
	} else {
		rm.Result = "Promise<Awaited<" + rm.Awaited + ">>"
	}
	return rm
}

func paramNamed(params []rpcParam, name string) bool {
	for _, p := range params {
		if p.Name == name {
			return true
		}
	}
	return false
}

func unionUndefined(t string) string {
	if t == "unknown" || t == "any" {
		return t
	}
	return "(" + t + ") | undefined"
}

func literalType(k analysis.ValueKind) string {
	switch k {
	case analysis.KindNumber:
		return "number"
	case analysis.KindString:
		return "string"
	case analysis.KindBool:
		return "boolean"
	}
	return "unknown"
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	n := len(b)
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	return string(b[n:])
}

// isIdentifier reports whether s is a plain (ASCII) JavaScript identifier.
func isIdentifier(s string) bool {
	if s == "" || reservedWords[s] {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !identByte(s[i], i == 0) {
			return false
		}
	}
	return true
}

func identByte(c byte, first bool) bool {
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

// printedMethod is an rpcMethod as the stub and the class print it.
type printedMethod struct {
	Name, Params, Args, Result, Awaited string
}

// importHole stands for the module specifier of the object file in shared
// signatures: the stub and the class import it from different folders.
const importHole = "\x00"

// objectSigs are an object's RPC signatures, built once for the types file and
// the class file. Types the object file exports are printed as
// import('<importHole>').T and the hole is filled in as each file is written.
// When the source text itself holds a NUL byte the hole would be ambiguous, and
// each file builds its signatures with its own scope instead (direct).
type objectSigs struct {
	once    sync.Once
	methods []printedMethod
	direct  bool
}

func printMethods(methods []rpcMethod) []printedMethod {
	out := make([]printedMethod, len(methods))
	for i, m := range methods {
		out[i] = printedMethod{Name: m.Name, Params: m.paramList(), Args: m.argList(), Result: m.Result, Awaited: m.Awaited}
	}
	return out
}

// methodsIn returns o's printed methods for a file whose scope is scope, and
// whether their text holds importHole (to be written with writeFilled).
func (o object) methodsIn(scope typeScope) ([]printedMethod, bool) {
	s := o.sigs
	if s == nil {
		return printMethods(buildMethods(o.Entry.Def, scope)), false
	}
	s.once.Do(func() {
		def := o.Entry.Def
		if def == nil {
			return
		}
		if definitionHasNUL(def) {
			s.direct = true
			return
		}
		shared := typeScope{importPath: importHole, exported: scope.exported, types: scope.types}
		s.methods = printMethods(buildMethods(def, shared))
	})
	if s.direct {
		return printMethods(buildMethods(o.Entry.Def, scope)), false
	}
	return s.methods, true
}

// definitionHasNUL reports whether any text buildMethods may print holds a NUL byte.
func definitionHasNUL(def *analysis.Definition) bool {
	for i := range def.Methods {
		m := &def.Methods[i]
		if strings.Contains(m.Name, importHole) || strings.Contains(m.ReturnType, importHole) {
			return true
		}
		for _, p := range m.Params {
			if strings.Contains(p.Name, importHole) || strings.Contains(p.Type, importHole) || strings.Contains(p.Default, importHole) {
				return true
			}
		}
	}
	return false
}

// writeFilled writes s with every importHole replaced by importPath when holes is set.
func writeFilled(b textBuffer, s string, holes bool, importPath string) {
	if !holes {
		b.WriteString(s)
		return
	}
	for {
		i := strings.IndexByte(s, 0)
		if i < 0 {
			b.WriteString(s)
			return
		}
		b.WriteString(s[:i])
		b.WriteString(importPath)
		s = s[i+1:]
	}
}
