// This file defines INVALID_CONFIG: each check defineDurableObject runs when the
// module loads, reported where the offending syntax is.

package diagnostics

import (
	"fmt"
	"strings"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

const configError = "defineDurableObject throws DurableObjectConfigError at load: "

func configFindings(e *analysis.Entry) []Diagnostic {
	d := e.Def
	var out []Diagnostic
	add := func(r analysis.Range, msg string, fixes ...Fix) {
		out = append(out, Diagnostic{Code: InvalidConfig, Severity: Error, Path: e.Path, Range: r, Message: configError + msg, Fixes: fixes})
	}
	if f := d.Fields["name"]; f != nil {
		switch f.Kind {
		case analysis.KindUnknown:
		case analysis.KindString:
			if !analysis.ValidRuntimeName(f.Str) {
				add(f.Value, fmt.Sprintf("name %q must match ^[a-z][a-z0-9-]*$", f.Str))
			}
		default:
			add(f.Value, "name must be a non-empty string matching ^[a-z][a-z0-9-]*$")
		}
	}
	if f := d.Fields["sqlite"]; f != nil && f.Kind != analysis.KindBool && f.Kind != analysis.KindUnknown {
		add(f.Value, "sqlite must be a boolean (true or false)")
	}
	for _, h := range analysis.HandlerFields {
		if f := d.Fields[h]; f != nil && f.Kind != analysis.KindFunction && f.Kind != analysis.KindUnknown {
			add(f.Value, h+" must be a function")
		}
	}
	f := d.Fields["methods"]
	if f == nil || f.Kind == analysis.KindUnknown {
		return out
	}
	if f.Kind != analysis.KindObject {
		add(f.KeyAt, "methods must be an object of functions")
		return out
	}
	for _, m := range d.Methods {
		if m.ComputedKey {
			continue // the name is not statically known (NOT_ANALYZABLE)
		}
		switch {
		case analysis.ReservedMethodNames[m.Name]:
			add(m.NameAt, fmt.Sprintf("method name %q is reserved (fetch, alarm, webSocketMessage, webSocketClose, webSocketError, constructor, init)", m.Name),
				renameMethodFixes(e.Path, m, d.Methods)...)
		case !analysis.ValidMethodName(m.Name):
			add(m.NameAt, fmt.Sprintf("method name %q is not a JavaScript identifier (^[a-zA-Z_$][a-zA-Z0-9_$]*$)", m.Name))
		}
		if m.Kind != analysis.KindFunction && m.Kind != analysis.KindUnknown {
			add(m.At, fmt.Sprintf("method %q must be a function", m.Name))
		}
	}
	return out
}

// renamedReserved is the replacement offered for a reserved method name.
func renamedReserved(name string) string {
	switch name {
	case "init":
		return "initialize"
	case "constructor":
		return "create"
	}
	return "handle" + strings.ToUpper(name[:1]) + name[1:]
}

// renameMethodFixes renames a method whose name the runtime refuses.
func renameMethodFixes(path string, m analysis.Method, all []analysis.Method) []Fix {
	taken := map[string]bool{}
	for _, o := range all {
		taken[o.Name] = true
	}
	base := renamedReserved(m.Name)
	name := base
	for i := 2; taken[name]; i++ {
		name = fmt.Sprintf("%s%d", base, i)
	}
	text := name
	switch {
	case m.StringKey: // NameAt covers the quotes
		text = "'" + name + "'"
	case m.Form == analysis.FormShorthand:
		text = name + ": " + m.Name // keep the value the shorthand referred to
	}
	return []Fix{{
		Title:     fmt.Sprintf("Rename method '%s' to '%s'", m.Name, name),
		Preferred: true,
		Edits:     []TextEdit{{Path: path, Range: m.NameAt, NewText: text}},
	}}
}
