// This file defines the one issue model every rule produces and every printer
// and the language server consume.

package diagnostics

import "github.com/cloudwerk/cloudwerk-lsp/analysis"

// Severity orders from most to least severe, like LSP's.
type Severity int

const (
	Error Severity = iota + 1
	Warning
	Info
	Hint
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	case Info:
		return "info"
	case Hint:
		return "hint"
	}
	return "unknown"
}

// ParseSeverity reads "error", "warning", "info", "hint" (and "off" as 0).
func ParseSeverity(s string) (Severity, bool) {
	switch s {
	case "error":
		return Error, true
	case "warning", "warn":
		return Warning, true
	case "info", "information":
		return Info, true
	case "hint":
		return Hint, true
	case "off", "none":
		return 0, true
	}
	return 0, false
}

// Code is a stable diagnostic code: users filter and override by it, so it never changes.
type Code string

const (
	InvalidName       Code = "INVALID_NAME"
	DuplicateName     Code = "DUPLICATE_NAME"
	InvalidDefinition Code = "INVALID_DEFINITION"
	NoHandler         Code = "NO_HANDLER"
	InvalidConfig     Code = "INVALID_CONFIG"
	NoInit            Code = "NO_INIT"
	SqliteWithoutInit Code = "SQLITE_WITHOUT_INIT"
	NoMethods         Code = "NO_METHODS"
	NestedFile        Code = "NESTED_FILE"
	NotAnalyzable     Code = "NOT_ANALYZABLE"
	FileUnreadable    Code = "FILE_UNREADABLE"
	CloudwerkConfig   Code = "CLOUDWERK_CONFIG"

	KVStorage          Code = "KV_STORAGE"
	StorageChanged     Code = "STORAGE_CHANGED"
	WranglerConfig     Code = "WRANGLER_CONFIG"
	ConfigAmbiguous    Code = "CONFIG_AMBIGUOUS"
	BindingMissing     Code = "BINDING_MISSING"
	BindingMismatch    Code = "BINDING_MISMATCH"
	BindingOrphaned    Code = "BINDING_ORPHANED"
	MigrationMissing   Code = "MIGRATION_MISSING"
	LedgerInvalid      Code = "LEDGER_INVALID"
	OrphanedClass      Code = "ORPHANED_CLASS"
	GeneratedStale     Code = "GENERATED_STALE"
	EntryExportMissing Code = "ENTRY_EXPORT_MISSING"
	UnknownObject      Code = "UNKNOWN_OBJECT"
	UnknownMethod      Code = "UNKNOWN_METHOD"

	// What breaks at run time.
	DefineNotImported      Code = "DEFINE_NOT_IMPORTED"
	SQLAPI                 Code = "SQL_API"
	SQLWithoutSqlite       Code = "SQL_WITHOUT_SQLITE"
	UnknownContextMember   Code = "UNKNOWN_CONTEXT_MEMBER"
	HandlerParams          Code = "HANDLER_PARAMS"
	UnknownNamespaceMember Code = "UNKNOWN_NAMESPACE_MEMBER"
	StubID                 Code = "STUB_ID"
	RPCArgs                Code = "RPC_ARGS"
)

// Related points at another place involved in a finding.
type Related struct {
	Path    string
	Range   analysis.Range
	Message string
}

// TextEdit replaces Range of Path with NewText (byte offsets are authoritative).
type TextEdit struct {
	Path    string
	Range   analysis.Range
	NewText string
}

// FileRename renames a file (used by quick fixes such as renaming an invalid object file).
type FileRename struct {
	From, To string
}

// Fix is a quick fix attached to a diagnostic. Command, when set, names a server
// command (e.g. regenerate wrangler config) instead of, or after, the edits.
type Fix struct {
	Title     string
	Preferred bool
	Edits     []TextEdit
	Renames   []FileRename
	Command   string
	Args      []string
}

// Diagnostic is one finding at one place.
type Diagnostic struct {
	Code     Code
	Severity Severity
	Path     string // absolute
	Range    analysis.Range
	Message  string
	Related  []Related
	Fixes    []Fix

	// Mirror marks the copy of a cross-file finding placed on the second file
	// involved (e.g. the wrangler file). The editor shows it there; check reports
	// the finding once, at the original, whose Related already names this place.
	Mirror bool
}
