// This file defines ObjectFindings: the rules that look at one object file on its
// own (name, definition shape, handlers, config checks defineDurableObject runs).

package diagnostics

import (
	"fmt"
	"path/filepath"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/textpos"
)

// ObjectFindings returns the findings of one object file that depend on that file
// alone. Cross-file findings (duplicates) come from DuplicateFindings.
func ObjectFindings(app *analysis.App, e *analysis.Entry) []Diagnostic {
	if e == nil {
		return nil
	}
	if out, ok := slimFindings(e.Def); ok {
		return out
	}
	return objectFindings(&appView{app: app}, e)
}

func objectFindings(v *appView, e *analysis.Entry) []Diagnostic {
	var out []Diagnostic
	out = append(out, nameFindings(v, e)...)
	d := e.Def
	if d == nil {
		return out
	}
	if d.Skipped != "" {
		return append(out, Diagnostic{
			Code: NotAnalyzable, Severity: Info, Path: e.Path,
			Message: "file not analysed: " + d.Skipped + "; its object checks are skipped",
		})
	}
	for _, u := range d.Unknowns {
		out = append(out, Diagnostic{
			Code: NotAnalyzable, Severity: Info, Path: e.Path, Range: u.At,
			Message: "not statically analyzable: " + u.Reason + "; checks that depend on it are skipped",
		})
	}
	// INVALID_DEFINITION does not hide what extraction could still find.
	if def := definitionFinding(e); def != nil {
		out = append(out, *def)
	}
	if d.Export != analysis.ExportDefine {
		return out
	}
	out = append(out, runtimeFindings(v, e)...)
	if !d.ConfigIsLiteral {
		return out
	}
	out = append(out, configFindings(e)...)
	out = append(out, presenceFindings(e)...)
	return out
}

// nameFindings reports INVALID_NAME for the file-derived name (what Cloudwerk's
// scanner sees) and for the object name an explicit `name` produces.
func nameFindings(v *appView, e *analysis.Entry) []Diagnostic {
	var out []Diagnostic
	fromFile := analysis.FileNameToObjectName(e.FileName)
	if !analysis.ValidObjectName(fromFile) {
		d := Diagnostic{
			Code: InvalidName, Severity: Error, Path: e.Path, Range: fileLevelRange(e.Def),
			Message: fmt.Sprintf("invalid object name %q from file %q: Cloudwerk needs a name that starts with a-z and, after turning kebab-case into camelCase, contains no '-' or '_'",
				fromFile, filepath.Base(e.Path)),
		}
		if analysis.NameHasBadRunes(fromFile) {
			d.Message = fmt.Sprintf("invalid object name %q from file %q: a class name holds only letters, digits and '$' (no spaces, quotes, control characters or invalid UTF-8); the object is left out of generated code and migrations",
				fromFile, filepath.Base(e.Path))
		}
		if target, ok := kebabFileName(e.FileName); ok {
			to := filepath.Join(filepath.Dir(e.Path), target+filepath.Ext(e.Path))
			if !nameTaken(v.get(), analysis.FileNameToObjectName(target), e) {
				d.Fixes = []Fix{{
					Title:     fmt.Sprintf("Rename file to %s", filepath.Base(to)),
					Preferred: true,
					Renames:   []FileRename{{From: e.Path, To: to}},
				}}
			}
		}
		out = append(out, d)
	}
	if e.NameFromConfig && e.Def != nil {
		if f := e.Def.Fields["name"]; f != nil && f.Kind == analysis.KindString &&
			analysis.ValidRuntimeName(f.Str) && !analysis.ValidObjectName(e.ObjectName) {
			out = append(out, Diagnostic{
				Code: InvalidName, Severity: Error, Path: e.Path, Range: f.Value,
				Message: fmt.Sprintf("name %q gives object name %q, which contains '-' and yields no valid binding; use letters after each '-' (e.g. %q)",
					f.Str, e.ObjectName, kebabOr(f.Str)),
			})
		}
	}
	return out
}

// definitionFinding reports INVALID_DEFINITION when the file has no usable
// defineDurableObject default export; nil when it has one.
func definitionFinding(e *analysis.Entry) *Diagnostic {
	d := e.Def
	diag := func(r analysis.Range, msg string) *Diagnostic {
		return &Diagnostic{Code: InvalidDefinition, Severity: Error, Path: e.Path, Range: r, Message: msg}
	}
	switch d.Export {
	case analysis.ExportNone:
		if len(d.ParseErrors) > 0 {
			return diag(d.ParseErrors[0], "syntax error prevents finding the default export: an object file must `export default defineDurableObject({...})`")
		}
		return diag(d.ExportAt, "no default export: an object file must `export default defineDurableObject({...})`")
	case analysis.ExportOther:
		if len(d.ParseErrors) > 0 && contains(d.ExportAt, d.ParseErrors[0]) {
			return diag(d.ParseErrors[0], "syntax error in the default export prevents analysis: an object file must `export default defineDurableObject({...})`")
		}
		return diag(d.ExportAt, "the default export is not a defineDurableObject(...) call; Cloudwerk cannot build a durable object from it")
	}
	if !d.ConfigIsLiteral && !unknownIn(d, d.CallAt) {
		// no argument, or a literal that is not an object: not merely unknown
		return diag(calleeRange(d), "defineDurableObject needs a config object (the runtime reads its fields and throws a TypeError): defineDurableObject({ methods: { ... } })")
	}
	return nil
}

// presenceFindings checks what must or should be present: a handler (error),
// init and methods (warnings). A spread in the config makes absence unknowable.
func presenceFindings(e *analysis.Entry) []Diagnostic {
	d := e.Def
	if configOpen(d) {
		return nil
	}
	var out []Diagnostic
	at := calleeRange(d)
	methods := d.Fields["methods"]
	methodsKnown := methods == nil || (methods.Kind == analysis.KindObject && !methodsOpen(d))
	hasMethods := methods != nil && (!methodsKnown || len(d.Methods) > 0)
	hasHandler := d.Has("fetch") || d.Has("alarm") || d.Has("webSocketMessage") || hasMethods
	if !hasHandler {
		out = append(out, Diagnostic{
			Code: NoHandler, Severity: Error, Path: e.Path, Range: at,
			Message: "defineDurableObject throws DurableObjectNoHandlerError at load: define fetch, alarm, webSocketMessage or at least one method (webSocketClose/webSocketError alone do not count)",
		})
	}
	// NO_METHODS (no methods and no fetch, alarm or WebSocket handler) is
	// Cloudwerk's own rule; where it would apply, NO_HANDLER already reports
	// the load error, so it is never reported on its own.
	if !d.Has("init") {
		if s := d.Fields["sqlite"]; d.SQLite() {
			if uses := sqlUses(d); len(uses) > 0 && !createsSchema(uses) {
				out = append(out, Diagnostic{
					Code: SqliteWithoutInit, Severity: Warning, Path: e.Path, Range: s.At,
					Message: "sqlite: true without init, and no statement of this object creates its tables: the first query fails with \"no such table\"; add init(ctx) { ctx.sql.exec('CREATE TABLE IF NOT EXISTS ...'); return initialState }",
					Related: []Related{{Path: e.Path, Range: uses[0].At, Message: "SQL used here"}},
				})
			}
		}
		if readsState(d) {
			out = append(out, Diagnostic{
				Code: NoInit, Severity: Warning, Path: e.Path, Range: at,
				Message: "no init, yet this object reads this.state: the state starts as undefined, so this.state.x throws a TypeError; add init() { return { ... } }",
			})
		}
	}
	return out
}

// createsSchema reports an SQL call whose statement mentions CREATE.
func createsSchema(uses []analysis.ContextUse) bool {
	for _, u := range uses {
		if u.DDL {
			return true
		}
	}
	return false
}

// readsState reports a this.state read (not a plain assignment) in a method or handler.
func readsState(d *analysis.Definition) bool {
	inCtx := contextTest(d)
	for _, u := range d.ContextUses {
		if u.Recv == analysis.RecvThis && u.Member == "state" && !u.Write && u.In != "init" && inCtx(u.In) {
			return true
		}
	}
	return false
}

// configOpen reports a spread (or other unknown) directly in the config object:
// any key may then be present.
func configOpen(d *analysis.Definition) bool { return d.ConfigOpen() }

// methodsOpen reports a spread or computed key in the methods object: the set of
// method names is then not known. (A method whose value alone is unknown still
// has a known name.)
func methodsOpen(d *analysis.Definition) bool {
	f := d.Fields["methods"]
	if f == nil {
		return false
	}
	parts := make([]analysis.Range, 0, len(d.Methods))
	for _, m := range d.Methods {
		if m.ComputedKey {
			return true
		}
		parts = append(parts, m.At)
	}
	return d.UnknownOutside(f.Value, parts)
}

// unknownIn reports something not statically known inside r.
func unknownIn(d *analysis.Definition, r analysis.Range) bool {
	for _, u := range d.Unknowns {
		if contains(r, u.At) {
			return true
		}
	}
	return false
}

func contains(outer, inner analysis.Range) bool {
	return inner.Start.Offset >= outer.Start.Offset && inner.End.Offset <= outer.End.Offset
}

// calleeRange is the `defineDurableObject` name of the call (the whole call
// when the callee is unknown), so object-level findings do not paint the file.
func calleeRange(d *analysis.Definition) analysis.Range {
	if d.Callee == "" {
		if d.CallAt != (analysis.Range{}) {
			return d.CallAt
		}
		return d.ExportAt
	}
	return spanFrom(d.CallAt.Start, d.Callee)
}

// fileLevelRange is where a finding about the file as a whole goes: the default
// export when there is one, else the start of the file.
func fileLevelRange(d *analysis.Definition) analysis.Range {
	if d == nil || d.Export == analysis.ExportNone {
		return analysis.Range{}
	}
	if d.Export == analysis.ExportDefine && d.Callee != "" {
		return calleeRange(d)
	}
	return d.ExportAt
}

// spanFrom is the range of text starting at p, text being on one line.
func spanFrom(p analysis.Pos, text string) analysis.Range {
	end := p
	end.Offset += int32(len(text))
	end.Col16 += int32(textpos.UTF16Len(text))
	return analysis.Range{Start: p, End: end}
}

// kebabFileName turns an invalid file name into the kebab-case name that yields
// a valid object name: chat_room -> chat-room, ChatRoom -> chat-room,
// obj-123 -> obj123. ok is false when no such name exists (e.g. 2fa).
func kebabFileName(name string) (string, bool) {
	var words []string
	var cur []byte
	prevUpper := false
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = nil
		}
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '-' || c == '_' || c == ' ' || c == '.':
			flush()
		case isUpperByte(c):
			// a new word starts at an upper-case letter unless it continues an
			// acronym (APIKey -> api-key)
			if len(cur) > 0 && !(prevUpper && (i+1 >= len(name) || !isLowerByte(name[i+1]))) {
				flush()
			}
			cur = append(cur, c-'A'+'a')
		default:
			cur = append(cur, c)
		}
		prevUpper = isUpperByte(c)
	}
	flush()
	var out []byte
	for i, w := range words {
		if i > 0 && isLowerByte(w[0]) {
			out = append(out, '-')
		}
		out = append(out, w...)
	}
	res := string(out)
	if res == name || !analysis.ValidObjectName(analysis.FileNameToObjectName(res)) {
		return "", false
	}
	return res, true
}

// kebabOr suggests a runtime name whose object name is valid, or returns s.
func kebabOr(s string) string {
	if k, ok := kebabFileName(s); ok {
		return k
	}
	return s
}

// nameTaken reports whether another entry already has the object name.
func nameTaken(app *analysis.App, objectName string, self *analysis.Entry) bool {
	if app == nil || app.Manifest == nil {
		return false
	}
	for _, o := range app.Manifest.ByObject.Get(objectName) {
		if o != self {
			return true
		}
	}
	return false
}

func isUpperByte(c byte) bool { return c >= 'A' && c <= 'Z' }
func isLowerByte(c byte) bool { return c >= 'a' && c <= 'z' }
