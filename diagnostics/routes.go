// This file defines the route rules UNKNOWN_OBJECT and UNKNOWN_METHOD: references
// from route files to durable objects that do not exist.

package diagnostics

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

// stubMembers are what every stub offers besides RPC methods.
var stubMembers = map[string]bool{"fetch": true, "connect": true, "id": true, "name": true}

// RouteFindings checks one route file's references against the app's objects.
// The runtime maps every name through objectNameToBindingName, so `Counter`,
// `counter` and a binding spelled in wrangler all resolve alike.
func RouteFindings(app *analysis.App, rf *analysis.RouteFile) []Diagnostic {
	if app == nil || rf == nil {
		return nil
	}
	var out []Diagnostic
	for _, ref := range rf.Refs {
		if ref.Kind == analysis.RefNamespaceMember {
			if d := namespaceFinding(rf, ref); d != nil {
				out = append(out, *d)
			}
			continue // the object reference itself is reported at its own ref
		}
		binding := analysis.ObjectNameToBindingName(ref.Object)
		var entries []*analysis.Entry
		if app.Manifest != nil {
			entries = app.Manifest.ByBinding.Get(binding)
		}
		if len(entries) == 0 {
			if ref.Kind == analysis.RefStubMethod || wranglerHasBinding(app, binding) {
				continue // the object reference itself is reported once; external bindings are fine
			}
			d := Diagnostic{
				Code: UnknownObject, Severity: Error, Path: rf.Path, Range: ref.At,
				Message: fmt.Sprintf("unknown durable object %q: no file in %s/objects/ gives binding %s", ref.Object, appDirOf(app), binding),
			}
			if s := suggestObject(app, ref.Object); s != "" {
				d.Message += fmt.Sprintf("; did you mean %q?", s)
				// ref.At is the property or the string's content, so the name alone is replaced
				d.Fixes = []Fix{{Title: fmt.Sprintf("Change to '%s'", s), Preferred: true,
					Edits: []TextEdit{{Path: rf.Path, Range: ref.At, NewText: s}}}}
			}
			out = append(out, d)
			continue
		}
		if ref.Kind != analysis.RefStubMethod {
			continue
		}
		// with duplicates, the method is unknown only when no candidate offers it
		missing := true
		for _, e := range entries {
			if has, known := hasMember(e, ref.Method); has || !known {
				missing = false
				break
			}
		}
		if !missing {
			if len(entries) == 1 {
				if d := rpcArgsFinding(rf, ref, entries[0]); d != nil {
					out = append(out, *d)
				}
			}
			continue
		}
		e := entries[0]
		d := Diagnostic{
			Code: UnknownMethod, Severity: Error, Path: rf.Path, Range: ref.At,
			Message: fmt.Sprintf("durable object %s has no method %q", e.ObjectName, ref.Method),
			Related: []Related{{Path: e.Path, Range: methodsRange(e), Message: "methods of " + e.ObjectName}},
		}
		if s := closest(ref.Method, methodNames(e)); s != "" {
			d.Message += fmt.Sprintf("; did you mean %q?", s)
			d.Fixes = []Fix{{Title: fmt.Sprintf("Change to '%s'", s), Preferred: true,
				Edits: []TextEdit{{Path: rf.Path, Range: ref.At, NewText: s}}}}
		} else if names := methodNames(e); len(names) > 0 {
			d.Message += " (methods: " + strings.Join(names, ", ") + ")"
		}
		out = append(out, d)
	}
	return out
}

// hasMember reports whether a stub of e offers member name, and whether the
// answer is certain (no spread, computed key or non-literal in the config or
// its methods).
func hasMember(e *analysis.Entry, name string) (has, known bool) {
	d := e.Def
	if d == nil || d.Export != analysis.ExportDefine || !d.ConfigIsLiteral || configOpen(d) {
		return false, false
	}
	if f := d.Fields["methods"]; f != nil && (f.Kind != analysis.KindObject || methodsOpen(d)) {
		return false, false
	}
	if stubMembers[name] {
		return true, true
	}
	switch name {
	case "alarm", "webSocketMessage", "webSocketClose", "webSocketError":
		if d.Has(name) {
			return true, true // the generated class exposes defined handlers as methods
		}
	}
	for _, m := range d.Methods {
		if m.Name == name {
			return true, true
		}
	}
	return false, true
}

func methodNames(e *analysis.Entry) []string {
	var names []string
	for _, m := range e.Def.Methods {
		names = append(names, m.Name)
	}
	sort.Strings(names)
	return names
}

func methodsRange(e *analysis.Entry) analysis.Range {
	if f := e.Def.Fields["methods"]; f != nil {
		return f.KeyAt
	}
	return calleeRange(e.Def)
}

// suggestObject proposes the closest object, spelled like the reference
// (class-style `Counter` or object-style `counter`).
func suggestObject(app *analysis.App, name string) string {
	if app.Manifest == nil || name == "" {
		return ""
	}
	classStyle := isUpperByte(name[0])
	var cands []string
	for _, e := range app.Manifest.Entries {
		if !analysis.ValidObjectName(e.ObjectName) {
			continue // never steer a route towards an object that has to be renamed
		}
		if classStyle {
			cands = append(cands, e.ClassName)
		} else {
			cands = append(cands, e.ObjectName)
		}
	}
	return closest(name, cands)
}

// closest returns the candidate within a small edit distance of s (ties by
// order), or "".
func closest(s string, cands []string) string {
	best, bestD := "", len(s)/3+2
	for _, c := range cands {
		if d := editDistance(strings.ToLower(s), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the optimal string alignment distance (Levenshtein plus
// adjacent transpositions, so `Cuonter` is one edit from `Counter`).
func editDistance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

func appDirOf(app *analysis.App) string {
	if app.Config.AppDir == "" {
		return "app"
	}
	return app.Config.AppDir
}

// wranglerHasBinding reports a durable-object binding declared in the wrangler
// config (e.g. one with script_name pointing at another worker): a route may use
// it even though no object file defines it.
func wranglerHasBinding(app *analysis.App, binding string) bool {
	if app.Wrangler == nil {
		return false
	}
	for _, b := range app.Wrangler.Bindings {
		if b.Name == binding && !b.Local() {
			return true
		}
	}
	for _, env := range app.Wrangler.Envs {
		for _, b := range env.Bindings {
			if b.Name == binding && !b.Local() {
				return true
			}
		}
	}
	return false
}
