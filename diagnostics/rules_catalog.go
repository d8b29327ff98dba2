// This file defines the catalog of every diagnostic code: default severity, scope
// (per file or whole app), the input it needs, a one-line description and help.
// SARIF's rules, `check` and the language server's publisher are built from it.

package diagnostics

import "github.com/cloudwerk/cloudwerk-lsp/analysis"

// Rule describes one code.
type Rule struct {
	Code     Code
	Severity Severity // default severity
	Scope    Scope    // which pass computes it
	Needs    Needs    // what the pass reads
	Short    string   // one line: what the code means
	Help     string   // how to fix it
}

// Scope says which pass computes a code.
type Scope uint8

const (
	// PerFile codes are computed from one object or route file (and the app's
	// object names): the server recomputes them on every edit of that file.
	PerFile Scope = iota + 1
	// WholeApp codes need the whole app (every object, the wrangler file, the
	// generated files): the server recomputes them when the app changes.
	WholeApp
)

// Needs is the input a rule reads besides the app's folders and config.
type Needs uint8

const (
	NeedsObject   Needs = 1 << iota // object definitions
	NeedsRoute                      // route files' references
	NeedsWrangler                   // the wrangler file and its migration ledger
)

// A pass is one rule function and the scope and needs of every code it reports.
// The catalog's Scope and Needs for a code must be the ones of the pass that
// reports it (a test runs the passes over the fixtures to check).
type pass struct {
	scope Scope
	needs Needs
	file  func(*analysis.App, *analysis.Entry, *analysis.RouteFile) []Diagnostic // PerFile
	app   func(*analysis.App) []Diagnostic                                       // WholeApp
}

var passes = []pass{
	{scope: PerFile, needs: NeedsObject, file: func(app *analysis.App, e *analysis.Entry, _ *analysis.RouteFile) []Diagnostic {
		return ObjectFindings(app, e)
	}},
	{scope: PerFile, needs: NeedsRoute | NeedsObject, file: func(app *analysis.App, _ *analysis.Entry, rf *analysis.RouteFile) []Diagnostic {
		return RouteFindings(app, rf)
	}},
	{scope: WholeApp, app: AppFindings},
	{scope: WholeApp, needs: NeedsObject, app: func(app *analysis.App) []Diagnostic { return DuplicateFindings(app.Manifest) }},
	{scope: WholeApp, needs: NeedsObject | NeedsWrangler, app: wranglerFindings},
	{scope: WholeApp, needs: NeedsObject, app: generatedFindings},
}

// FileFindings runs every PerFile rule over one file of app: the rules that need
// an object for an object file (e non-nil), the ones that need a route for a
// route file (rf non-nil).
func FileFindings(app *analysis.App, e *analysis.Entry, rf *analysis.RouteFile) []Diagnostic {
	var out []Diagnostic
	for _, p := range passes {
		if p.scope != PerFile {
			continue
		}
		if p.needs&NeedsRoute != 0 {
			if rf != nil {
				out = append(out, p.file(app, e, rf)...)
			}
		} else if e != nil {
			out = append(out, p.file(app, e, rf)...)
		}
	}
	return out
}

// WholeAppFindings runs every WholeApp rule over app.
func WholeAppFindings(app *analysis.App) []Diagnostic {
	var out []Diagnostic
	for _, p := range passes {
		if p.scope == WholeApp {
			out = append(out, p.app(app)...)
		}
	}
	return out
}

// ReplacedByFilePass reports whether a file's findings of this code are replaced
// when the server recomputes that file alone: the PerFile codes, and
// FILE_UNREADABLE, which reading the file's new text disproves.
func (r Rule) ReplacedByFilePass() bool { return r.Scope == PerFile || r.Code == FileUnreadable }

// Catalog lists every code in a stable order.
var Catalog = []Rule{
	{InvalidName, Error, PerFile, NeedsObject, "Object file name gives an invalid object name",
		"Name object files in kebab-case or camelCase starting with a-z (chat-room.ts -> chatRoom); no '_', no leading digit or upper-case letter."},
	{DuplicateName, Error, WholeApp, NeedsObject, "Several object files give the same object, class or binding name",
		"Rename or remove all but one of the files, or give one an explicit name: '...'."},
	{InvalidDefinition, Error, PerFile, NeedsObject, "Object file does not default-export a defineDurableObject(...) call",
		"Write `export default defineDurableObject({ ... })` and fix syntax errors that hide it."},
	{NoHandler, Error, PerFile, NeedsObject, "Object defines no handler (DurableObjectNoHandlerError at load)",
		"Define fetch, alarm, webSocketMessage or at least one method."},
	{InvalidConfig, Error, PerFile, NeedsObject, "defineDurableObject config fails a runtime check (DurableObjectConfigError at load)",
		"Follow the runtime rules: name matches ^[a-z][a-z0-9-]*$, sqlite is a boolean, methods is an object of functions with identifier names that are not reserved, handlers are functions."},
	{NoInit, Warning, PerFile, NeedsObject, "Object has no init, so its state starts undefined",
		"Add init() returning the initial state."},
	{SqliteWithoutInit, Warning, PerFile, NeedsObject, "sqlite: true without init to create the schema",
		"Add init(ctx) that runs CREATE TABLE IF NOT EXISTS through ctx.sql.exec."},
	{NoMethods, Warning, PerFile, NeedsObject, "Object has no RPC methods and no fetch, alarm or WebSocket handler",
		"Add methods: { ... } or a handler (where this applies, NO_HANDLER reports the load error)."},
	{NestedFile, Warning, WholeApp, 0, "Object-looking file in a subfolder of objects/ is never discovered",
		"Move the file directly into objects/ (Cloudwerk does not scan subfolders)."},
	{NotAnalyzable, Info, PerFile, NeedsObject, "Part of a definition is not statically known",
		"Use literals (no spreads or computed values) where the tool should check and type the object."},
	{FileUnreadable, Error, WholeApp, 0, "File cannot be read",
		"Check permissions, dangling symlinks and that the path is a regular file."},
	{CloudwerkConfig, Warning, WholeApp, 0, "cloudwerk.config value is not a literal; the default is used",
		"Write appDir and extensions as literals so tools can read them without running the config."},
	{KVStorage, Warning, WholeApp, NeedsObject | NeedsWrangler, "New class would be created KV-backed",
		"Set sqlite: true before the first deploy; new KV-backed namespaces are refused on the free plan."},
	{StorageChanged, Error, WholeApp, NeedsObject | NeedsWrangler, "sqlite differs from how the migration ledger created the class",
		"Restore the original storage setting; Cloudflare cannot convert a class between KV and SQLite."},
	{WranglerConfig, Error, WholeApp, NeedsObject | NeedsWrangler, "Wrangler file does not parse or has the wrong shape",
		"Fix the wrangler file; generate never writes a file it cannot parse."},
	{ConfigAmbiguous, Warning, WholeApp, NeedsObject | NeedsWrangler, "Several wrangler files exist",
		"Keep one; wrangler uses wrangler.json, then wrangler.jsonc, then wrangler.toml."},
	{BindingMissing, Error, WholeApp, NeedsObject | NeedsWrangler, "Object has no durable_objects binding in the wrangler config",
		"Run `cloudwerk-lsp generate` or add the binding."},
	{BindingMismatch, Error, WholeApp, NeedsObject | NeedsWrangler, "Binding points at a different class than the object's",
		"Run `cloudwerk-lsp generate` or fix class_name."},
	{BindingOrphaned, Warning, WholeApp, NeedsObject | NeedsWrangler, "Binding for a class with no object file",
		"Remove the binding or restore the object file."},
	{MigrationMissing, Error, WholeApp, NeedsObject | NeedsWrangler, "No migration creates the object's class",
		"Run `cloudwerk-lsp generate` to append a migration."},
	{LedgerInvalid, Error, WholeApp, NeedsObject | NeedsWrangler, "The [[migrations]] history does not replay",
		"Restore the applied entries; never edit or reorder them."},
	{OrphanedClass, Warning, WholeApp, NeedsObject | NeedsWrangler, "Class alive in the migration ledger has no object file",
		"Restore the file, record a rename, or delete the class explicitly (destroys its data)."},
	{GeneratedStale, Warning, WholeApp, NeedsObject, "Generated file differs from what generate would write",
		"Run `cloudwerk-lsp generate`."},
	{EntryExportMissing, Error, WholeApp, NeedsObject | NeedsWrangler, "The Worker entry does not export a durable-object class a binding names",
		"Re-export the generated classes from the entry: export * from './.cloudwerk/generated/objects'."},
	{UnknownObject, Error, PerFile, NeedsRoute | NeedsObject, "Route references a durable object that does not exist",
		"Fix the name; the runtime maps it through objectNameToBindingName."},
	{UnknownMethod, Error, PerFile, NeedsRoute | NeedsObject, "Route calls a method the object does not define",
		"Fix the method name or add the method to the object's methods."},
	{DefineNotImported, Error, PerFile, NeedsObject, "defineDurableObject is not imported from @cloudwerk/durable-object (ReferenceError or TypeError at load)",
		"Add import { defineDurableObject } from '@cloudwerk/durable-object', or correct the import's module."},
	{SQLAPI, Error, PerFile, NeedsObject, "SQL handle used with a member SqlStorage lacks (sql.run, sql.prepare) or an array as one binding",
		"Use sql.exec(query, ...bindings) with the bindings spread."},
	{SQLWithoutSqlite, Error, PerFile, NeedsObject, "Object runs SQL but its class is KV-backed (workerd throws on first use)",
		"Add sqlite: true before the class is first deployed; a created class cannot change storage."},
	{UnknownContextMember, Error, PerFile, NeedsObject, "this.X or ctx.Y that the handler or object context does not have",
		"Inside methods and handlers this is { state, ctx }; ctx offers storage, sql, id, getWebSockets, acceptWebSocket, env, getTags. Share code through module-level functions."},
	{HandlerParams, Error, PerFile, NeedsObject, "Method or handler takes the context as a parameter (the runtime passes something else there)",
		"Drop the parameter and use this.state / this.ctx."},
	{UnknownNamespaceMember, Error, PerFile, NeedsRoute | NeedsObject, "Route uses a member a DurableObjectNamespace lacks (getById, ...)",
		"Use idFromName, idFromString, newUniqueId, get, getByName or jurisdiction."},
	{StubID, Error, PerFile, NeedsRoute | NeedsObject, "Route passes a name to get(), which takes a DurableObjectId",
		"Use getByName('name') or get(namespace.idFromName('name'))."},
	{RPCArgs, Error, PerFile, NeedsRoute | NeedsObject, "Route calls a stub method with more arguments than it declares or fewer than it requires",
		"Pass the arguments the method declares."},
}

// LookupRule returns the catalog entry of code; ok is false for an unknown code.
func LookupRule(code Code) (r Rule, ok bool) {
	for _, r := range Catalog {
		if r.Code == code {
			return r, true
		}
	}
	return Rule{}, false
}

// RuleFor returns the catalog entry of code (a bare entry for unknown codes).
func RuleFor(code Code) Rule {
	if r, ok := LookupRule(code); ok {
		return r
	}
	return Rule{Code: code, Severity: Warning, Short: string(code), Help: string(code)}
}
