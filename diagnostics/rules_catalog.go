// This file defines the catalog of every diagnostic code: default severity, a
// one-line description and help. SARIF's rules and the docs are built from it.
package diagnostics

// Rule describes one code.
type Rule struct {
	Code     Code
	Severity Severity // default severity
	Short    string   // one line: what the code means
	Help     string   // how to fix it
}

// Catalog lists every code in a stable order.
var Catalog = []Rule{
	{InvalidName, Error, "Object file name gives an invalid object name",
		"Name object files in kebab-case or camelCase starting with a-z (chat-room.ts -> chatRoom); no '_', no leading digit or upper-case letter."},
	{DuplicateName, Error, "Several object files give the same object, class or binding name",
		"Rename or remove all but one of the files, or give one an explicit name: '...'."},
	{InvalidDefinition, Error, "Object file does not default-export a defineDurableObject(...) call",
		"Write `export default defineDurableObject({ ... })` and fix syntax errors that hide it."},
	{NoHandler, Error, "Object defines no handler (DurableObjectNoHandlerError at load)",
		"Define fetch, alarm, webSocketMessage or at least one method."},
	{InvalidConfig, Error, "defineDurableObject config fails a runtime check (DurableObjectConfigError at load)",
		"Follow the runtime rules: name matches ^[a-z][a-z0-9-]*$, sqlite is a boolean, methods is an object of functions with identifier names that are not reserved, handlers are functions."},
	{NoInit, Warning, "Object has no init, so its state starts undefined",
		"Add init() returning the initial state."},
	{SqliteWithoutInit, Warning, "sqlite: true without init to create the schema",
		"Add init(ctx) that runs CREATE TABLE IF NOT EXISTS through ctx.sql.exec."},
	{NoMethods, Warning, "Object has no RPC methods",
		"Add methods: { ... } so routes can call the object through typed stubs."},
	{NestedFile, Warning, "Object-looking file in a subfolder of objects/ is never discovered",
		"Move the file directly into objects/ (Cloudwerk does not scan subfolders)."},
	{NotAnalyzable, Info, "Part of a definition is not statically known",
		"Use literals (no spreads or computed values) where the tool should check and type the object."},
	{FileUnreadable, Error, "File cannot be read",
		"Check permissions, dangling symlinks and that the path is a regular file."},
	{CloudwerkConfig, Warning, "cloudwerk.config value is not a literal; the default is used",
		"Write appDir and extensions as literals so tools can read them without running the config."},
	{KVStorage, Warning, "New class would be created KV-backed",
		"Set sqlite: true before the first deploy; new KV-backed namespaces are refused on the free plan."},
	{StorageChanged, Error, "sqlite differs from how the migration ledger created the class",
		"Restore the original storage setting; Cloudflare cannot convert a class between KV and SQLite."},
	{WranglerConfig, Error, "Wrangler file does not parse or has the wrong shape",
		"Fix the wrangler file; generate never writes a file it cannot parse."},
	{ConfigAmbiguous, Warning, "Several wrangler files exist",
		"Keep one; wrangler uses wrangler.json, then wrangler.jsonc, then wrangler.toml."},
	{BindingMissing, Error, "Object has no durable_objects binding in the wrangler config",
		"Run `cloudwerk-lsp generate` or add the binding."},
	{BindingMismatch, Error, "Binding points at a different class than the object's",
		"Run `cloudwerk-lsp generate` or fix class_name."},
	{BindingOrphaned, Warning, "Binding for a class with no object file",
		"Remove the binding or restore the object file."},
	{MigrationMissing, Error, "No migration creates the object's class",
		"Run `cloudwerk-lsp generate` to append a migration."},
	{LedgerInvalid, Error, "The [[migrations]] history does not replay",
		"Restore the applied entries; never edit or reorder them."},
	{OrphanedClass, Warning, "Class alive in the migration ledger has no object file",
		"Restore the file, record a rename, or delete the class explicitly (destroys its data)."},
	{GeneratedStale, Warning, "Generated file differs from what generate would write",
		"Run `cloudwerk-lsp generate`."},
	{UnknownObject, Error, "Route references a durable object that does not exist",
		"Fix the name; the runtime maps it through objectNameToBindingName."},
	{UnknownMethod, Error, "Route calls a method the object does not define",
		"Fix the method name or add the method to the object's methods."},
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
