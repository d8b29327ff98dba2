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
	Params []analysis.SigParam // types already resolved for the generated file
	// Result is the stub's return type: Promise<Awaited<T>> for an annotated T, else Promise<unknown>.
	Result string
	// Awaited is T in Awaited<T> ("unknown" when the return type is not annotated or not resolvable).
	Awaited string
}

// paramList prints the parameter list without parentheses.
func (m rpcMethod) paramList() string {
	return analysis.ParamList(m.Params, func(t string) string { return t })
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
	sig := m.Signature()
	rm := rpcMethod{Name: m.Name, Params: sig.Params, Awaited: "unknown"}
	if !sig.Known {
		// The value is not statically known: accept anything, promise nothing.
		rm.Result = "Promise<unknown>"
		return rm
	}
	for i := range rm.Params {
		if p := &m.Params[rm.Params[i].Index]; p.Type != "" {
			rm.Params[i].Type = scope.resolve(p.Type)
		}
	}
	if sig.Returns != "" {
		rm.Awaited = scope.resolve(sig.Returns)
	}
	if rm.Awaited == "unknown" {
		rm.Result = "Promise<unknown>"
	} else {
		rm.Result = "Promise<Awaited<" + rm.Awaited + ">>"
	}
	return rm
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
