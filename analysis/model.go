// This file defines the facts the engine extracts and shares: positions, object
// definitions, route references, the app and its manifest. Nothing here refers to
// LSP types; lsp/ converts at the edge.

package analysis

import (
	"unique"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/textpos"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/wrangler"
)

// Pos and Range are the position types of package textpos, named here so the
// model reads naturally; they are the same types, not copies.
type (
	Pos   = textpos.Pos
	Range = textpos.Range
)

// Lang selects the tree-sitter grammar: TypeScript for .ts/.js, TSX for .tsx/.jsx.
type Lang int

const (
	LangTS Lang = iota
	LangTSX
)

// ValueKind is what a config value is, as far as it is statically known.
type ValueKind uint8

const (
	KindUnknown  ValueKind = iota // identifier, call, member access...: not statically known
	KindString                    // string literal (or template without substitutions)
	KindBool                      // true / false
	KindNumber                    // numeric literal
	KindFunction                  // method definition, arrow function, function expression
	KindObject                    // object literal
	KindOther                     // any other literal (array, null, undefined, regex, template with substitutions...)
)

// ExportKind says what the file's default export is.
type ExportKind uint8

const (
	ExportNone   ExportKind = iota // no default export at all
	ExportDefine                   // defineDurableObject(...) (directly, through an alias, or through a const)
	ExportOther                    // a default export that is not a defineDurableObject call
)

// Field is one key of the defineDurableObject config object literal.
type Field struct {
	Key   string
	Str   string // the literal's value when Kind == KindString
	KeyAt Range  // the key (property name) itself
	At    Range  // the whole property (key + value)
	Value Range  // the value expression (for methods `m() {}`, the whole method)
	Kind  ValueKind
	Bool  bool // the literal's value when Kind == KindBool
}

// Param is one parameter of an RPC method.
type Param struct {
	Name       string // pattern text (identifier, or the destructuring pattern's source)
	Type       string // annotation text without the colon, "" when absent
	Default    string // default value source text, "" when none
	DefaultKin ValueKind
	Optional   bool // `x?: T`
	Rest       bool // `...xs`

	// Context marks a parameter the body uses as the object context
	// (`increment(ctx, amount) { ctx.state... }`): the runtime never passes one
	// there, so generated stubs leave it out (HANDLER_PARAMS reports it).
	Context bool
}

// MethodForm is how an RPC method is written.
type MethodForm uint8

const (
	FormMethod    MethodForm = iota // m() {} / async m() {}
	FormArrow                       // m: () => ... / m: async () => ...
	FormFunction                    // m: function () {} / m: async function () {}
	FormShorthand                   // m (shorthand property: the value is not statically known)
	FormOther                       // m: <any other expression>
)

// Method is one entry of the `methods` object.
type Method struct {
	Name        string
	NameAt      Range // the method's name (the key)
	At          Range // the whole property
	Params      []Param
	ReturnType  string // annotation text without the colon, "" when absent
	Form        MethodForm
	Kind        ValueKind // KindFunction for the first three forms
	Async       bool
	ComputedKey bool // [expr]: ... — name is the source text, not statically known
	StringKey   bool // 'my-name': ... — quoted key (name may not be a JS identifier)
}

// Unknown records something that cannot be analysed statically (NOT_ANALYZABLE).
type Unknown struct {
	At     Range
	Reason string // e.g. "spread in defineDurableObject config", "methods is not an object literal"
}

// Definition is the compact per-file summary of one object file. It holds no
// tree-sitter nodes; the tree is closed once extraction ends.
type Definition struct {
	Path string // absolute, cleaned
	Hash string // hex SHA-256 of the content the facts came from

	// Skipped says why the file was not parsed at all (binary, not UTF-8, too
	// large); "" when it was. A skipped file has no other facts.
	Skipped string

	// ParseErrors are the ERROR / MISSING nodes of the parse (capped).
	ParseErrors []Range

	Export   ExportKind
	ExportAt Range  // the `export default ...` statement, or line 1 when none
	CallAt   Range  // the defineDurableObject(...) call, when Export == ExportDefine
	Callee   string // the local name called (defineDurableObject or its alias)

	// CalleeBinding says what binds the called identifier; CalleeModule and
	// CalleeImported say where it is imported from when it is imported
	// (DEFINE_NOT_IMPORTED).
	CalleeBinding  Binding
	CalleeModule   string // the import's source, "" when not imported
	CalleeImported string // the imported name: "defineDurableObject", "default", "*" (namespace), ...
	CalleeModuleAt Range  // the import's module specifier (inside the quotes)

	StateType   string // type argument text, "" when none
	StateTypeAt Range

	ConfigAt        Range // the argument; meaningful when ConfigIsLiteral
	ConfigIsLiteral bool  // the first argument is an object literal

	// Fields holds the recognised keys of the config object (name, sqlite, schema,
	// init, methods, fetch, alarm, webSocketMessage, webSocketClose, webSocketError).
	// Other keys are ignored. A key absent from the map is absent from the source.
	Fields map[string]*Field

	Methods  []Method // entries of `methods` when it is an object literal, in source order
	Unknowns []Unknown

	// ExportedTypes are type names (interface/type alias/class/enum) the file exports,
	// so generated code can reference them with import('...').
	ExportedTypes []string

	// ContextUses are the `this.X`, `this.ctx.Y` and init-context `ctx.Y` accesses
	// inside the config's functions, in source order (capped), for rules about
	// what the handler context provides (SQL_WITHOUT_SQLITE, UNKNOWN_CONTEXT_MEMBER).
	ContextUses []ContextUse

	// ParamUses are member accesses on a parameter of a method or handler
	// (`ctx.state` in `increment(ctx, amount)`), in source order (capped), for
	// HANDLER_PARAMS. Init's first parameter is the context and is in ContextUses.
	ParamUses []ParamUse

	// ruleMemo is what the rules computed from facts a slim copy no longer
	// carries (see RuleMemo); nil for a definition as extracted.
	ruleMemo any
}

// RuleMemo returns what SetRuleMemo attached, or nil.
func (d *Definition) RuleMemo() any { return d.ruleMemo }

// SetRuleMemo attaches v to d: the diagnostics package files there the
// per-file findings of a definition it slimmed (dropped the facts only those
// rules read), so they live and die with the definition. It is never cached
// on disk; set it before the definition is shared.
func (d *Definition) SetRuleMemo(v any) { d.ruleMemo = v }

// Binding is what binds an identifier at the top level of a module.
type Binding uint8

const (
	BoundUnknown Binding = iota // not recorded (a definition built by hand)
	BoundImport                 // an import binds it (see CalleeModule)
	BoundNone                   // nothing binds it: a ReferenceError when the module loads
	BoundLocal                  // a declaration in the file binds it
)

// Receiver is the receiver of a ContextUse. It is a byte, not a string: every
// object file records tens of uses, and the server holds them all.
type Receiver uint8

// Receivers of a ContextUse.
const (
	RecvNone    Receiver = iota // not a receiver (never recorded in a ContextUse)
	RecvThis                    // this.X: the handler context ({ state, ctx })
	RecvCtx                     // this.ctx.X, init's ctx.X, or an alias of either
	RecvSQL                     // ctx.sql.X, ctx.storage.sql.X, or an alias of either
	RecvStorage                 // ctx.storage.X, or an alias of it
)

// String is the receiver as written in source: "this", "ctx", "sql", "storage".
func (r Receiver) String() string {
	switch r {
	case RecvThis:
		return "this"
	case RecvCtx:
		return "ctx"
	case RecvSQL:
		return "sql"
	case RecvStorage:
		return "storage"
	}
	return ""
}

// ContextUse is one member access on the handler context, the object context
// or its SQL handle, written directly or through a local alias
// (`const sql = this.ctx.sql`) or destructuring (`const { sql } = ctx`; the key
// is then the access).
//
// The fields are ordered (and Args is 32-bit) so the struct packs into 72
// bytes: the server holds every use of every object file.
type ContextUse struct {
	In     string // the config key ("init", "fetch", ...) or "methods.<name>"
	Member string // X
	At     Range  // the member name

	// When the member is called: Args is the number of arguments (-1 when the
	// member is not called), Spread whether one is a spread, ArrayArg the first
	// array literal passed after the first argument (nil when none: rare, so
	// it is a pointer rather than 24 bytes in every use).
	ArrayArg *Range
	Args     int32
	Recv     Receiver // RecvThis, RecvCtx, RecvSQL or RecvStorage
	Spread   bool
	// DDL: the first argument's text mentions CREATE (a schema statement).
	DDL bool
	// Write: the access is the target of a plain assignment (`this.state = {...}`).
	Write bool
}

// Called reports whether the accessed member is called.
func (u ContextUse) Called() bool { return u.Args >= 0 }

// ParamUse is one member access on a parameter of a method or handler.
type ParamUse struct {
	In      string // "fetch", "methods.increment", ...
	Index   int    // the parameter's position (as in Method.Params)
	Name    string // the parameter's name
	ParamAt Range  // the parameter in the signature
	Member  string // the accessed member
	At      Range  // the member name
}

// Compact gives every slice of d a capacity equal to its length and makes the
// strings that repeat across files (member, method and parameter names, type
// texts, unit names) share one copy, so a definition that is kept (by a load,
// by the server) costs no more than its facts: extraction appends, and a grown
// slice holds up to twice its length. It changes no fact. Calling it again is
// cheap.
func (d *Definition) Compact() {
	if d == nil {
		return
	}
	d.Callee, d.CalleeModule, d.CalleeImported, d.StateType = intern(d.Callee), intern(d.CalleeModule), intern(d.CalleeImported), intern(d.StateType)
	d.ParseErrors = clipped(d.ParseErrors)
	d.Methods = clipped(d.Methods)
	for i := range d.Methods {
		m := &d.Methods[i]
		m.Name, m.ReturnType = intern(m.Name), intern(m.ReturnType)
		m.Params = clipped(m.Params)
		for j := range m.Params {
			p := &m.Params[j]
			p.Name, p.Type, p.Default = intern(p.Name), intern(p.Type), intern(p.Default)
		}
	}
	for _, f := range d.Fields {
		f.Key, f.Str = intern(f.Key), intern(f.Str)
	}
	d.Unknowns = clipped(d.Unknowns)
	d.ExportedTypes = clipped(d.ExportedTypes)
	d.ContextUses = clipped(d.ContextUses)
	for i := range d.ContextUses {
		u := &d.ContextUses[i]
		u.In, u.Member = intern(u.In), intern(u.Member)
	}
	d.ParamUses = clipped(d.ParamUses)
	for i := range d.ParamUses {
		u := &d.ParamUses[i]
		u.In, u.Name, u.Member = intern(u.In), intern(u.Name), intern(u.Member)
	}
}

// clipped returns s with its capacity equal to its length (a copy when it had
// spare room); an empty s stays nil or empty as it was, without a backing array.
func clipped[S ~[]E, E any](s S) S {
	switch {
	case cap(s) == len(s):
		return s
	case len(s) == 0:
		return make(S, 0)
	}
	out := make(S, len(s))
	copy(out, s)
	return out
}

// intern returns the one shared copy of a short string (unique keeps it only
// while something refers to it). Longer strings are rarely repeated.
func intern(s string) string {
	if s == "" || len(s) > 64 {
		return s
	}
	return unique.Make(s).Value()
}

// Has reports whether the config object has key k.
func (d *Definition) Has(k string) bool { _, ok := d.Fields[k]; return ok }

// SQLite reports whether the object is SQLite-backed: a literal `sqlite: true`.
// Anything else (absent, false, not statically known) is KV, the runtime's
// default. A nil definition is KV.
func (d *Definition) SQLite() bool {
	if d == nil {
		return false
	}
	f := d.Fields["sqlite"]
	return f != nil && f.Kind == KindBool && f.Bool
}

// StorageLabel is how storage is shown to people: "SQLite" or "KV".
func StorageLabel(sqlite bool) string {
	if sqlite {
		return "SQLite"
	}
	return "KV"
}

// StorageKnown reports whether SQLite is statically known: the config is a
// literal whose sqlite field is absent (and no spread may set it) or a boolean
// literal. See Storage for which.
func (d *Definition) StorageKnown() bool { return d.Storage().Known() }

// RouteRefKind is what kind of reference a route file makes.
type RouteRefKind uint8

const (
	RefObjectProperty  RouteRefKind = iota // durableObjects.Counter
	RefGetCall                             // getDurableObject('counter')
	RefStubMethod                          // stub.increment() where stub = durableObjects.Counter.get(...)
	RefNamespaceMember                     // durableObjects.Counter.get(...): a member of the namespace
)

// RouteRef is one reference from a route (or any non-object) file to a durable object.
type RouteRef struct {
	Kind   RouteRefKind
	Object string // the name as written: `Counter`, `'counter'`'s value, ...
	Method string // for RefStubMethod: the method; for RefNamespaceMember: the member
	At     Range  // the name that is checked (property, string literal, method name)

	// Call facts, for RefStubMethod and RefNamespaceMember: Args is the number of
	// arguments (-1 when the member is not called), Spread whether one is a
	// spread; ArgKind and ArgAt describe the first argument (KindString for a
	// string literal or any template string); Recv is the namespace expression's
	// source text (`durableObjects.Counter`) for RefNamespaceMember.
	Args    int
	Spread  bool
	ArgKind ValueKind
	ArgAt   Range
	Recv    string
}

// RouteFile is the compact summary of one file that imports the bindings module.
type RouteFile struct {
	Path string
	Hash string
	Refs []RouteRef
}

// Config is the statically read cloudwerk.config.* of one app.
type Config struct {
	Root       string   // the app's root folder (absolute)
	File       string   // the config file, "" when the app has none
	AppDir     string   // default "app"
	Extensions []string // default [".ts", ".tsx"]
	Issues     []ConfigIssue

	// DurableObjects are the hand-written classes of the durableObjects option.
	DurableObjects []ConfigObject
	// DurableObjectsOpen says the option (or a spread in the config) is not
	// statically known: any class may be hand-written.
	DurableObjectsOpen bool
}

// HandWritten returns the config entry declaring class, or nil.
func (c *Config) HandWritten(class string) *ConfigObject {
	for i := range c.DurableObjects {
		if c.DurableObjects[i].ClassName == class {
			return &c.DurableObjects[i]
		}
	}
	return nil
}

// ConfigIssue is a config value that could not be read statically (a warning; the default is used).
type ConfigIssue struct {
	At      Range
	Message string
}

// Entry is one discovered object file with the names the convention derives.
type Entry struct {
	Path           string // absolute
	FileName       string // base name without extension: "chat-room"
	ObjectName     string // "chatRoom" (from the file, or from an explicit `name`)
	ClassName      string // "ChatRoom"
	BindingName    string // "CHAT_ROOM"
	NameFromConfig bool   // ObjectName comes from the config's `name`
	Def            *Definition
}

// Manifest is the set of object entries of one app with its name indexes. It is an
// immutable snapshot: build it with BuildManifest, update it with With / Without.
// The indexes are persistent tries (see manifest.go): read them with
// m.ByObject.Get(name), iterate with m.ByObject.All().
type Manifest struct {
	Entries   []*Entry  // sorted by Path
	ByObject  NameIndex // object name -> entries (len > 1 is a duplicate)
	ByClass   NameIndex
	ByBinding NameIndex
}

// FileError is a file under objects/ (or a route file) that could not be read.
type FileError struct {
	Path string
	Err  string
}

// App is one Cloudwerk app: its config, discovered objects, route files and wrangler config.
type App struct {
	Root       string
	Config     Config
	ObjectsDir string
	Manifest   *Manifest
	Nested     []string // object-looking files in subfolders of objects/ (NESTED_FILE)
	FileErrors []FileError
	Routes     []*RouteFile
	Wrangler   *wrangler.Config // nil when the app has no wrangler file
	Entry      *WorkerEntry     // the wrangler file's `main`, nil when there is none or it does not exist
}
