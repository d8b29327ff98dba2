// This file defines the route rules about calls that fail at run time
//: UNKNOWN_NAMESPACE_MEMBER, STUB_ID and RPC_ARGS.

package diagnostics

import (
	"fmt"
	"strings"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

// NamespaceMembers are what Cloudflare's DurableObjectNamespace offers.
var NamespaceMembers = []string{"idFromName", "idFromString", "newUniqueId", "get", "getByName", "jurisdiction"}

// namespaceFinding checks one member of a namespace: UNKNOWN_NAMESPACE_MEMBER
// for members it lacks, STUB_ID for get('name').
func namespaceFinding(rf *analysis.RouteFile, ref analysis.RouteRef) *Diagnostic {
	known := false
	for _, m := range NamespaceMembers {
		known = known || m == ref.Method
	}
	if !known {
		d := &Diagnostic{Code: UnknownNamespaceMember, Severity: Error, Path: rf.Path, Range: ref.At,
			Message: NamespaceMemberMessage(ref)}
		if s := closest(ref.Method, NamespaceMembers); s != "" && ref.Method != "getById" {
			d.Message += fmt.Sprintf("; did you mean %q?", s)
			d.Fixes = []Fix{{Title: fmt.Sprintf("Change to '%s'", s), Preferred: true,
				Edits: []TextEdit{{Path: rf.Path, Range: ref.At, NewText: s}}}}
		}
		return d
	}
	if ref.Method != "get" || ref.Args < 1 || ref.ArgKind != analysis.KindString {
		return nil
	}
	recv := ref.Recv
	if recv == "" {
		recv = "durableObjects." + ref.Object
	}
	return &Diagnostic{Code: StubID, Severity: Error, Path: rf.Path, Range: ref.ArgAt,
		Message: StubIDMessage(recv),
		Fixes: []Fix{
			{Title: "Use getByName(...)", Preferred: true, Edits: []TextEdit{{Path: rf.Path, Range: ref.At, NewText: "getByName"}}},
			{Title: "Use get(" + recv + ".idFromName(...))", Edits: []TextEdit{
				{Path: rf.Path, Range: analysis.Range{Start: ref.ArgAt.Start, End: ref.ArgAt.Start}, NewText: recv + ".idFromName("},
				{Path: rf.Path, Range: analysis.Range{Start: ref.ArgAt.End, End: ref.ArgAt.End}, NewText: ")"},
			}},
		}}
}

// NamespaceMemberMessage explains a member a DurableObjectNamespace lacks (also used by hover).
func NamespaceMemberMessage(ref analysis.RouteRef) string {
	what := fmt.Sprintf("%s.%s is undefined", nsText(ref), ref.Method)
	if ref.Args >= 0 {
		what = fmt.Sprintf("the call throws TypeError: %s.%s is not a function", nsText(ref), ref.Method)
	}
	msg := fmt.Sprintf("a DurableObjectNamespace has no %s (%s); it offers %s", ref.Method, what, strings.Join(NamespaceMembers, ", "))
	if ref.Method == "getById" {
		msg += "; use get(id) with an id from idFromName, idFromString or newUniqueId, or getByName(name)"
	}
	return msg
}

// StubIDMessage explains get('name') (also used by hover).
func StubIDMessage(recv string) string {
	return fmt.Sprintf("get() takes a DurableObjectId, not a name: workerd throws TypeError: Failed to execute 'get' on 'DurableObjectNamespace': parameter 1 is not of type 'DurableObjectId'; use %s.getByName('…') or %s.get(%s.idFromName('…'))",
		recv, recv, recv)
}

func nsText(ref analysis.RouteRef) string {
	if ref.Recv != "" {
		return ref.Recv
	}
	return "durableObjects." + ref.Object
}

// rpcArgsFinding is RPC_ARGS: a stub method called with more arguments than it
// declares (no rest parameter) or fewer than it requires. A parameter the
// method uses as a context does not count (the stub leaves it out).
func rpcArgsFinding(rf *analysis.RouteFile, ref analysis.RouteRef, e *analysis.Entry) *Diagnostic {
	if ref.Args < 0 || ref.Spread {
		return nil
	}
	var m *analysis.Method
	for i := range e.Def.Methods {
		if e.Def.Methods[i].Name == ref.Method {
			m = &e.Def.Methods[i]
		}
	}
	if m == nil || m.Kind != analysis.KindFunction || m.Params == nil {
		return nil
	}
	min, max := ParamCounts(m)
	var msg string
	switch {
	case max >= 0 && ref.Args > max:
		msg = fmt.Sprintf("%s.%s takes %s, but is called with %d: the generated class passes on only the declared parameters, so the extra arguments are silently dropped",
			e.ObjectName, m.Name, countWords(min, max), ref.Args)
	case ref.Args < min:
		msg = fmt.Sprintf("%s.%s takes %s, but is called with %d: the missing parameters are undefined inside the method (a TypeError or NaN at run time)",
			e.ObjectName, m.Name, countWords(min, max), ref.Args)
	default:
		return nil
	}
	return &Diagnostic{Code: RPCArgs, Severity: Error, Path: rf.Path, Range: ref.At, Message: msg,
		Related: []Related{{Path: e.Path, Range: m.NameAt, Message: "method " + m.Name + " declared here"}}}
}

// ParamCounts returns how many arguments method m requires and accepts (max -1
// for a rest parameter), leaving out parameters used as a context.
func ParamCounts(m *analysis.Method) (min, max int) {
	for _, p := range m.Params {
		if p.Context {
			continue
		}
		if p.Rest {
			return min, -1
		}
		max++
		if !p.Optional && p.Default == "" {
			min = max
		}
	}
	return min, max
}

func countWords(min, max int) string {
	switch {
	case max < 0:
		return "at least " + Plural(min, "argument")
	case min == max:
		return Plural(max, "argument")
	case min == 0:
		return "at most " + Plural(max, "argument")
	}
	return fmt.Sprintf("%d to %s", min, Plural(max, "argument"))
}
