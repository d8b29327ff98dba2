// This file defines the object rules about what fails at run time although the
// definition loads: DEFINE_NOT_IMPORTED, SQL_API, SQL_WITHOUT_SQLITE,
// UNKNOWN_CONTEXT_MEMBER and HANDLER_PARAMS. They read the context and
// parameter uses the extraction recorded.

package diagnostics

import (
	"fmt"
	"strings"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

const durableObjectModule = "@cloudwerk/durable-object"

// runtimeFindings are the §5.1 findings of one object whose default export
// calls defineDurableObject (imported or not).
func runtimeFindings(v *appView, e *analysis.Entry) []Diagnostic {
	var out []Diagnostic
	if f := defineImportFinding(e); f != nil {
		out = append(out, *f)
	}
	out = append(out, sqlAPIFindings(e)...)
	if f := sqlWithoutSqlite(v, e); f != nil {
		out = append(out, *f)
	}
	out = append(out, contextMemberFindings(e)...)
	out = append(out, handlerParamFindings(e)...)
	return out
}

// defineImportFinding is DEFINE_NOT_IMPORTED: the called defineDurableObject is
// not the export of @cloudwerk/durable-object.
func defineImportFinding(e *analysis.Entry) *Diagnostic {
	d := e.Def
	local, _, isNS := strings.Cut(d.Callee, ".")
	isNS = isNS || strings.Contains(d.Callee, ".")
	diag := &Diagnostic{Code: DefineNotImported, Severity: Error, Path: e.Path, Range: calleeRange(d)}
	switch {
	case d.CalleeBinding == analysis.BoundNone:
		importLine := "import { defineDurableObject } from '" + durableObjectModule + "'\n"
		if isNS {
			importLine = "import * as " + local + " from '" + durableObjectModule + "'\n"
		}
		diag.Message = fmt.Sprintf("%s is not imported: loading this module throws ReferenceError: %s is not defined, so the whole Worker fails to start; add %s",
			local, local, strings.TrimSpace(importLine))
		start := analysis.Pos{}
		diag.Fixes = []Fix{{Title: "Add " + strings.TrimSpace(importLine), Preferred: true,
			Edits: []TextEdit{{Path: e.Path, Range: analysis.Range{Start: start, End: start}, NewText: importLine}}}}
		return diag
	case d.CalleeBinding == analysis.BoundLocal, d.CalleeBinding == analysis.BoundUnknown:
		return nil // a function of this file is not ours to judge
	case d.CalleeModule != durableObjectModule:
		what := "defineDurableObject"
		if isNS {
			what = local
		}
		diag.Message = fmt.Sprintf("%s is imported from '%s', which does not provide Cloudwerk's defineDurableObject: the bundle fails (No matching export) or the call throws TypeError: %s is not a function when the Worker starts; import it from '%s'",
			what, d.CalleeModule, d.Callee, durableObjectModule)
		diag.Fixes = []Fix{{Title: "Import from '" + durableObjectModule + "'", Preferred: true,
			Edits: []TextEdit{{Path: e.Path, Range: d.CalleeModuleAt, NewText: durableObjectModule}}}}
		return diag
	case d.CalleeImported != "defineDurableObject" && d.CalleeImported != "*":
		diag.Message = fmt.Sprintf("%s is imported as the %s export of '%s', which has none (it exports defineDurableObject by name): the bundle fails or the call throws TypeError when the Worker starts; write import { defineDurableObject } from '%s'",
			local, d.CalleeImported, durableObjectModule, durableObjectModule)
		return diag
	}
	return nil
}

// sqlStorageMembers are what Cloudflare's SqlStorage has.
var sqlStorageMembers = map[string]bool{"exec": true, "databaseSize": true, "Cursor": true, "Statement": true}

// sqlAPIFindings is SQL_API: members SqlStorage lacks, and an array passed as one binding.
func sqlAPIFindings(e *analysis.Entry) []Diagnostic {
	var out []Diagnostic
	inCtx := contextTest(e.Def)
	for _, u := range e.Def.ContextUses {
		if u.Recv != analysis.RecvSQL || !inCtx(u.In) {
			continue
		}
		if !sqlStorageMembers[u.Member] {
			diag := Diagnostic{Code: SQLAPI, Severity: Error, Path: e.Path, Range: u.At}
			switch u.Member {
			case "run":
				diag.Message = "SqlStorage has no run(): every call throws TypeError: sql.run is not a function (Cloudwerk's typings declare it, so tsc stays silent); use sql.exec(query, ...bindings)"
				if u.ArrayArg == nil {
					diag.Fixes = []Fix{{Title: "Change run to exec", Preferred: true, Edits: []TextEdit{{Path: e.Path, Range: u.At, NewText: "exec"}}}}
				}
			case "prepare":
				diag.Message = "SqlStorage has no prepare(): the call throws TypeError: sql.prepare is not a function; there are no prepared statements: run sql.exec(query, ...bindings) and read the cursor (.toArray(), .one())"
			default:
				diag.Message = fmt.Sprintf("SqlStorage has no %s: it is undefined (a call throws TypeError: sql.%s is not a function); SqlStorage offers exec(query, ...bindings), databaseSize, Cursor and Statement", u.Member, u.Member)
			}
			out = append(out, diag)
			continue
		}
		if u.Member == "exec" && u.ArrayArg != nil && !u.Spread {
			out = append(out, Diagnostic{Code: SQLAPI, Severity: Error, Path: e.Path, Range: *u.ArrayArg,
				Message: "exec takes its bindings spread (exec(query, a, b)), not as one array: the array counts as one binding, so workerd throws \"Wrong number of parameter bindings for SQL query\"; spread it",
				Fixes: []Fix{{Title: "Spread the array into the bindings", Preferred: true,
					Edits: []TextEdit{{Path: e.Path, Range: analysis.Range{Start: u.ArrayArg.Start, End: u.ArrayArg.Start}, NewText: "..."}}}}})
		}
	}
	return out
}

// sqlUses returns the SQL accesses of the object (ctx.sql and members of the handle).
func sqlUses(d *analysis.Definition) []analysis.ContextUse {
	var out []analysis.ContextUse
	inCtx := contextTest(d)
	for _, u := range d.ContextUses {
		if !inCtx(u.In) {
			continue
		}
		if u.Recv == analysis.RecvSQL || ((u.Recv == analysis.RecvCtx || u.Recv == analysis.RecvStorage) && u.Member == "sql") {
			out = append(out, u)
		}
	}
	return out
}

// sqlWithoutSqlite is SQL_WITHOUT_SQLITE: SQL in an object whose class is, or
// would be created, KV-backed.
func sqlWithoutSqlite(v *appView, e *analysis.Entry) *Diagnostic {
	d := e.Def
	f := d.Fields["sqlite"]
	if f != nil && (f.Kind != analysis.KindBool || f.Bool) {
		return nil // sqlite: true, or not a boolean (INVALID_CONFIG / NOT_ANALYZABLE)
	}
	uses := sqlUses(d) // after the cheap test: every keystroke in an object runs this rule
	if len(uses) == 0 {
		return nil
	}
	diag := &Diagnostic{Code: SQLWithoutSqlite, Severity: Error, Path: e.Path, Range: uses[0].At}
	for _, u := range uses[1:] {
		if len(diag.Related) == 5 {
			break
		}
		diag.Related = append(diag.Related, Related{Path: e.Path, Range: u.At, Message: "SQL used here too"})
	}
	app := v.get()
	if created, at, by := createdKV(app, e.ClassName); created {
		diag.Message = fmt.Sprintf("this object uses SQL but class %s was created KV-backed (%s): workerd throws \"SQL is not enabled for this Durable Object class\" on first use, and a class's storage cannot change in place; move the data to a new SQLite-backed class or use ctx.storage's key-value API", e.ClassName, by)
		diag.Related = append(diag.Related, Related{Path: app.Wrangler.Path, Range: at, Message: "created here"})
		return diag
	}
	diag.Message = fmt.Sprintf("this object uses SQL but %s is KV-backed (no `sqlite: true`): workerd throws \"SQL is not enabled for this Durable Object class\" on first use; add sqlite: true before the class is first deployed", e.ClassName)
	diag.Fixes = sqliteTrueFix(e)
	return diag
}

// createdKV reports whether the wrangler config already created class KV-backed.
func createdKV(app *analysis.App, class string) (bool, analysis.Range, string) {
	if app == nil || app.Wrangler == nil {
		return false, analysis.Range{}, ""
	}
	w := app.Wrangler
	if w.UsesExports {
		for _, x := range w.Exports {
			if x.Class == class && x.Storage != "sqlite" {
				return true, x.At, "exports"
			}
		}
		return false, analysis.Range{}, ""
	}
	if lc := w.Ledger().Live[class]; lc != nil && !lc.SQLite {
		return true, lc.At, "new_classes"
	}
	return false, analysis.Range{}, ""
}

// sqliteTrueFix sets `sqlite: true` in the config (replacing a false value or
// adding the key).
func sqliteTrueFix(e *analysis.Entry) []Fix {
	def := e.Def
	const title = "Use SQLite storage (sqlite: true)"
	if f := def.Fields["sqlite"]; f != nil {
		return []Fix{{Title: title, Preferred: true, Edits: []TextEdit{{Path: e.Path, Range: f.Value, NewText: "true"}}}}
	}
	if !def.ConfigIsLiteral {
		return nil
	}
	at := def.ConfigAt.Start
	after := analysis.Pos{Offset: at.Offset + 1, Line: at.Line, Col16: at.Col16 + 1}
	text := " sqlite: true,"
	if def.ConfigAt.End.Line > def.ConfigAt.Start.Line {
		text = "\n  sqlite: true,"
	}
	return []Fix{{Title: title, Preferred: true, Edits: []TextEdit{{Path: e.Path, Range: analysis.Range{Start: after, End: after}, NewText: text}}}}
}

// contextTest returns whether `this` in function `in` of d is the handler
// context: not in arrow-function methods (their `this` is the module's,
// undefined); for a name used twice, the first method decides. The methods are
// looked at once, not per use (which made a file of hundreds of methods quadratic).
func contextTest(d *analysis.Definition) func(in string) bool {
	var arrow map[string]bool // by name: the first method of that name is an arrow function
	for _, m := range d.Methods {
		if m.Form == analysis.FormArrow {
			arrow = map[string]bool{}
			break
		}
	}
	if arrow == nil {
		return func(string) bool { return true }
	}
	for _, m := range d.Methods {
		if _, seen := arrow[m.Name]; !seen {
			arrow[m.Name] = m.Form == analysis.FormArrow
		}
	}
	return func(in string) bool {
		name, ok := strings.CutPrefix(in, "methods.")
		return !ok || !arrow[name]
	}
}

// ContextMembers are what the object context offers inside methods, handlers
// and init: Cloudwerk's five plus what the generated classes add (env, getTags).
var ContextMembers = []string{"storage", "sql", "id", "getWebSockets", "acceptWebSocket", "env", "getTags"}

// storageOnly are members people reach for on the context that live on ctx.storage.
var storageOnly = map[string]bool{"setAlarm": true, "getAlarm": true, "deleteAlarm": true, "get": true, "put": true,
	"delete": true, "deleteAll": true, "list": true, "transaction": true, "transactionSync": true, "sync": true}

// contextMemberFindings is UNKNOWN_CONTEXT_MEMBER: this.X beyond { state, ctx }
// and ctx.Y beyond the context members.
func contextMemberFindings(e *analysis.Entry) []Diagnostic {
	d := e.Def
	var out []Diagnostic
	inCtx := contextTest(d)
	for _, u := range d.ContextUses {
		if !inCtx(u.In) {
			continue
		}
		diag := Diagnostic{Code: UnknownContextMember, Severity: Error, Path: e.Path, Range: u.At}
		switch u.Recv {
		case analysis.RecvThis:
			if u.In == "init" || u.Member == "state" || u.Member == "ctx" {
				continue
			}
			diag.Message = UnknownThisMessage(d, u)
		case analysis.RecvCtx:
			if isContextMember(u.Member) {
				continue
			}
			diag.Message = UnknownCtxMessage(u)
			if storageOnly[u.Member] {
				diag.Fixes = []Fix{{Title: "Use ctx.storage." + u.Member, Preferred: true,
					Edits: []TextEdit{{Path: e.Path, Range: u.At, NewText: "storage." + u.Member}}}}
			}
		default:
			continue
		}
		out = append(out, diag)
	}
	return out
}

func isContextMember(m string) bool {
	for _, c := range ContextMembers {
		if c == m {
			return true
		}
	}
	return false
}

// UnknownThisMessage explains a this.X that the handler context lacks (also
// used by hover).
func UnknownThisMessage(d *analysis.Definition, u analysis.ContextUse) string {
	isMethod := false
	for _, m := range d.Methods {
		if m.Name == u.Member {
			isMethod = true
		}
	}
	verb := "is undefined"
	if u.Called() {
		verb = fmt.Sprintf("throws TypeError: this.%s is not a function", u.Member)
	}
	if isMethod {
		return fmt.Sprintf("this.%s() %s: inside methods and handlers `this` is only { state, ctx }, so one method cannot call another through this; move the shared code into a function outside defineDurableObject that takes (state, ctx) and call it from both", u.Member, verb)
	}
	return fmt.Sprintf("this.%s %s: inside methods and handlers `this` is only { state, ctx }; keep data in this.state and reach storage, SQL and WebSockets through this.ctx", u.Member, verb)
}

// UnknownCtxMessage explains a ctx.Y that the object context lacks (also used by hover).
func UnknownCtxMessage(u analysis.ContextUse) string {
	verb := "is undefined"
	if u.Called() {
		verb = fmt.Sprintf("throws TypeError: ctx.%s is not a function", u.Member)
	}
	msg := fmt.Sprintf("ctx.%s %s: the context offers only %s", u.Member, verb, strings.Join(ContextMembers, ", "))
	switch {
	case storageOnly[u.Member]:
		msg += fmt.Sprintf("; it is ctx.storage.%s", u.Member)
	case u.Member == "state" || u.Member == "setState":
		msg += "; the state is this.state (assign to it in methods; init returns the initial state)"
	}
	return msg
}

// handlerParamFindings is HANDLER_PARAMS: a parameter used as the context.
func handlerParamFindings(e *analysis.Entry) []Diagnostic {
	d := e.Def
	var out []Diagnostic
	type key struct {
		in    string
		index int
	}
	seen := map[key]bool{}
	for _, u := range d.ParamUses {
		k := key{u.In, u.Index}
		if seen[k] || !analysis.IsContextParamUse(u.Name, u.Member) {
			continue
		}
		seen[k] = true
		out = append(out, Diagnostic{Code: HandlerParams, Severity: Error, Path: e.Path, Range: u.ParamAt,
			Message: HandlerParamMessage(u),
			Related: []Related{{Path: e.Path, Range: u.At, Message: fmt.Sprintf("%s.%s used as a context here", u.Name, u.Member)}}})
	}
	return out
}

// HandlerParamMessage explains what the runtime passes where a context
// parameter is declared (also used by hover).
func HandlerParamMessage(u analysis.ParamUse) string {
	got := "nothing (undefined)"
	switch {
	case strings.HasPrefix(u.In, "methods."):
		got = "the caller's argument"
		if u.Index == 0 {
			got = "the caller's first argument"
		}
	case u.In == "fetch" && u.Index == 0:
		got = "the Request"
	case u.In == "fetch" && u.Index == 1:
		got = "env"
	case u.In == "webSocketMessage" && u.Index < 2, u.In == "webSocketError" && u.Index < 2,
		u.In == "webSocketClose" && u.Index < 4:
		got = "a WebSocket event argument"
	}
	name := strings.TrimPrefix(u.In, "methods.")
	return fmt.Sprintf("%s takes the context as parameter %s, but the runtime passes %s there (this is { state, ctx }), so %s.%s throws TypeError or reads the wrong object; drop the parameter and use this.state / this.ctx",
		name, u.Name, got, u.Name, u.Member)
}
