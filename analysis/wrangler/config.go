// This file defines the wrangler configuration model and how the file is found and
// read: the durable-object bindings (top level and per environment), the
// [[migrations]] ledger and the declarative `exports` table, each with its range.

package wrangler

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"sort"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/textpos"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/safefs"
)

// FileNames are the names wrangler looks for, in its order of preference.
var FileNames = []string{"wrangler.json", "wrangler.jsonc", "wrangler.toml"}

// DOBinding is one entry of `durable_objects.bindings`.
type DOBinding struct {
	Name        string
	ClassName   string
	ScriptName  string        // set for a class that lives in another worker
	Environment string        // the `environment` key of the entry (another worker's env)
	Env         string        // the [env.X] the binding is declared in, "" at top level
	Index       int           // position in its bindings array
	At          textpos.Range // the whole entry ([[...]] block, inline table, JSON object)
	ClassAt     textpos.Range // the class_name value (At when absent)
}

// Local reports whether the binding's class is defined by this worker.
func (b DOBinding) Local() bool { return b.ScriptName == "" }

// Env is one `[env.X]` of the wrangler file.
type Env struct {
	Name string
	At   textpos.Range // the env's table or key
	// DeclaresDurableObjects is true when the env has its own `durable_objects`
	// (wrangler does not inherit top-level bindings into environments).
	DeclaresDurableObjects bool
	Bindings               []DOBinding
	// HasMigrations is true when the env has its own `migrations`: wrangler then
	// deploys the env with that ledger instead of the top-level one (the key is
	// inherited only when absent).
	HasMigrations bool
	Migrations    []Migration
	MigrationsAt  textpos.Range
}

// Ledger replays the env's own migrations (meaningful when HasMigrations).
func (e Env) Ledger() *Ledger { return Replay(e.Migrations) }

// ClassRef is one class name inside a migration.
type ClassRef struct {
	Name string
	At   textpos.Range
}

// ClassRename is one `renamed_classes` entry.
type ClassRename struct {
	From, To string
	At       textpos.Range
}

// Migration is one `[[migrations]]` entry of the ledger.
type Migration struct {
	Index            int
	Tag              string
	At               textpos.Range // the whole entry
	TagAt            textpos.Range
	NewClasses       []ClassRef
	NewSqliteClasses []ClassRef
	RenamedClasses   []ClassRename
	DeletedClasses   []ClassRef
}

// ExportEntry is one durable-object entry of the declarative `exports` table.
//
// Assumption (wrangler 4.86's config schema has no `exports` key yet): `exports` is a
// top-level table keyed by class name whose durable-object entries read
// `{ type = "durable_object", storage = "sqlite" | "kv" }`; it replaces `migrations`
// (the two are mutually exclusive).
type ExportEntry struct {
	Class   string
	Type    string
	Storage string // "sqlite" or "kv"
	At      textpos.Range
}

// Config is the wrangler file an app deploys with.
type Config struct {
	Path   string // absolute
	Format Format
	Hash   string // hex SHA-256 of Data
	Data   []byte

	// Ambiguous lists the other wrangler files in the same folder (CONFIG_AMBIGUOUS).
	Ambiguous []string

	// Doc is the parsed file; nil when it does not parse (ParseError is set).
	Doc         *Doc
	ParseError  *Issue
	ShapeErrors []Issue // wrong shapes in the parts this tool reads

	Name              string
	Main              string
	CompatibilityDate string

	HasDurableObjects bool // the top level declares `durable_objects`
	Bindings          []DOBinding
	Envs              []Env // sorted by name

	HasMigrations bool
	Migrations    []Migration
	MigrationsAt  textpos.Range

	UsesExports bool
	Exports     []ExportEntry
	ExportsAt   textpos.Range
}

// Parsed reports whether the file parsed and has the shape this tool edits.
func (w *Config) Parsed() bool {
	return w != nil && w.ParseError == nil && len(w.ShapeErrors) == 0
}

// Ledger replays the migrations.
func (w *Config) Ledger() *Ledger { return Replay(w.Migrations) }

// Find returns the file wrangler would use for an app at appRoot, and
// the other wrangler files found in the same folder. Like wrangler (find-up per
// name), each name is searched upwards on its own, in the order wrangler.json,
// wrangler.jsonc, wrangler.toml. Unlike wrangler, the search stops at the folder
// that holds `.git`, so a stray file above the repository is never picked up.
func Find(appRoot string) (path string, others []string) {
	for _, name := range FileNames {
		for dir := filepath.Clean(appRoot); ; {
			if isFile(filepath.Join(dir, name)) {
				path = filepath.Join(dir, name)
				break
			}
			if isDir(filepath.Join(dir, ".git")) {
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
		if path != "" {
			break
		}
	}
	if path == "" {
		return "", nil
	}
	dir := filepath.Dir(path)
	for _, name := range FileNames {
		if p := filepath.Join(dir, name); p != path && isFile(p) {
			others = append(others, p)
		}
	}
	return path, others
}

var isFile, isDir = safefs.IsFile, safefs.IsDir

// Load finds and reads the wrangler file wrangler would use for the app
// at appRoot (searching upwards); nil when there is none.
func Load(appRoot string) *Config {
	path, others := Find(appRoot)
	if path == "" {
		return nil
	}
	data, err := safefs.ReadFile(path)
	if err != nil {
		w := &Config{Path: path, Format: FormatOf(path), Ambiguous: others}
		w.ParseError = &Issue{Message: fmt.Sprintf("cannot read %s: %v", filepath.Base(path), err)}
		return w
	}
	w := Parse(path, data)
	w.Ambiguous = others
	return w
}

// Parse reads wrangler file content (e.g. an unsaved editor buffer).
func Parse(path string, data []byte) *Config {
	sum := sha256.Sum256(data)
	w := &Config{Path: path, Format: FormatOf(path), Hash: hex.EncodeToString(sum[:]), Data: data}
	doc, issue := ParseDoc(w.Format, data)
	if issue != nil {
		w.ParseError = issue
		return w
	}
	w.Doc = doc
	w.read()
	return w
}

// read fills the model from the parsed document, recording wrong shapes.
func (w *Config) read() {
	d := w.Doc
	w.Name, _ = d.Root["name"].(string)
	w.Main, _ = d.Root["main"].(string)
	w.CompatibilityDate, _ = d.Root["compatibility_date"].(string)

	if do, ok := d.Root["durable_objects"]; ok {
		w.HasDurableObjects = true
		w.Bindings = w.readBindings(do, nil, "")
	}
	if envs, ok := d.Root["env"]; ok {
		m, isMap := envs.(map[string]any)
		if !isMap {
			w.shapeError([]string{"env"}, `"env" should be a table of environments`)
		}
		names := make([]string, 0, len(m))
		for name := range m {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			env := Env{Name: name, At: w.rangeOf([]string{"env", name})}
			em, isMap := m[name].(map[string]any)
			if !isMap {
				w.shapeError([]string{"env", name}, fmt.Sprintf(`"env.%s" should be a table`, name))
			} else {
				if do, ok := em["durable_objects"]; ok {
					env.DeclaresDurableObjects = true
					env.Bindings = w.readBindings(do, []string{"env", name}, name)
				}
				if migs, ok := em["migrations"]; ok {
					env.HasMigrations = true
					env.MigrationsAt = w.rangeOf([]string{"env", name, "migrations"})
					env.Migrations = w.readMigrations(migs, []string{"env", name})
				}
			}
			w.Envs = append(w.Envs, env)
		}
	}
	if migs, ok := d.Root["migrations"]; ok {
		w.HasMigrations = true
		w.MigrationsAt = w.rangeOf([]string{"migrations"})
		w.Migrations = w.readMigrations(migs, nil)
	}
	if ex, ok := d.Root["exports"]; ok {
		w.UsesExports = true
		w.ExportsAt = w.rangeOf([]string{"exports"})
		w.readExports(ex)
		if w.HasMigrations {
			w.shapeError([]string{"exports"}, `"exports" and "migrations" cannot be used together`)
		}
	}
}

// rangeOf returns the range of the value at path, falling back to its closest located ancestor.
func (w *Config) rangeOf(path []string) textpos.Range {
	// An array of tables has no span of its own: use its first block.
	if _, ok := w.Doc.Loc(path...); !ok {
		if l, ok := w.Doc.Loc(JoinPath(path, PathIndex(0))...); ok && l.Block {
			return w.Doc.Range(l.At)
		}
	}
	for n := len(path); n > 0; n-- {
		if l, ok := w.Doc.Loc(path[:n]...); ok {
			return w.Doc.Range(l.At)
		}
	}
	return w.Doc.Range(textpos.Span{Start: 0, End: 0})
}

// valueRangeOf is rangeOf for the value alone.
func (w *Config) valueRangeOf(path []string) textpos.Range {
	if l, ok := w.Doc.Loc(path...); ok {
		return w.Doc.Range(l.Value)
	}
	return w.rangeOf(path)
}

func (w *Config) shapeError(path []string, msg string) {
	w.ShapeErrors = append(w.ShapeErrors, Issue{At: w.rangeOf(path), Message: msg})
}

// JoinPath returns a new path: prefix followed by parts (prefix is not modified).
func JoinPath(prefix []string, parts ...string) []string {
	return append(append([]string(nil), prefix...), parts...)
}

func displayPath(prefix []string, key string) string {
	s := ""
	for _, p := range prefix {
		s += p + "."
	}
	return s + key
}

func (w *Config) readBindings(do any, prefix []string, env string) []DOBinding {
	dop := JoinPath(prefix, "durable_objects")
	m, ok := do.(map[string]any)
	if !ok {
		w.shapeError(dop, fmt.Sprintf(`"%s" should be a table with a "bindings" array`, displayPath(prefix, "durable_objects")))
		return nil
	}
	raw, ok := m["bindings"]
	if !ok {
		return nil
	}
	bp := JoinPath(dop, "bindings")
	arr, ok := raw.([]any)
	if !ok {
		w.shapeError(bp, fmt.Sprintf(`"%s" should be an array`, displayPath(prefix, "durable_objects.bindings")))
		return nil
	}
	var out []DOBinding
	for i, e := range arr {
		ep := JoinPath(bp, PathIndex(i))
		em, ok := e.(map[string]any)
		name, nameOK := em["name"].(string)
		class, classOK := em["class_name"].(string)
		if !ok || !nameOK || !classOK {
			w.shapeError(ep, fmt.Sprintf(`"%s[%d]" should have string "name" and "class_name"`, displayPath(prefix, "durable_objects.bindings"), i))
			continue
		}
		b := DOBinding{Name: name, ClassName: class, Env: env, Index: i, At: w.rangeOf(ep), ClassAt: w.valueRangeOf(JoinPath(ep, "class_name"))}
		b.ScriptName, _ = em["script_name"].(string)
		b.Environment, _ = em["environment"].(string)
		out = append(out, b)
	}
	return out
}

// readMigrations reads the ledger at prefix+migrations (prefix nil: the top level).
func (w *Config) readMigrations(raw any, prefix []string) []Migration {
	arr, ok := raw.([]any)
	if !ok {
		w.shapeError(JoinPath(prefix, "migrations"), fmt.Sprintf(`The optional "%s" field should be an array`, displayPath(prefix, "migrations")))
		return nil
	}
	var out []Migration
	for i, e := range arr {
		mp := JoinPath(prefix, "migrations", PathIndex(i))
		em, ok := e.(map[string]any)
		if !ok {
			w.shapeError(mp, fmt.Sprintf(`"migrations[%d]" should be a table`, i))
			continue
		}
		mig := Migration{Index: i, At: w.rangeOf(mp)}
		tag, ok := em["tag"].(string)
		if !ok {
			w.shapeError(mp, fmt.Sprintf(`"migrations[%d].tag" is a required string`, i))
		}
		mig.Tag, mig.TagAt = tag, w.valueRangeOf(JoinPath(mp, "tag"))
		mig.NewClasses = w.readClassList(em, mp, i, "new_classes")
		mig.NewSqliteClasses = w.readClassList(em, mp, i, "new_sqlite_classes")
		mig.DeletedClasses = w.readClassList(em, mp, i, "deleted_classes")
		if rr, ok := em["renamed_classes"]; ok {
			rarr, ok := rr.([]any)
			if !ok {
				w.shapeError(JoinPath(mp, "renamed_classes"), fmt.Sprintf(`Expected "migrations[%d].renamed_classes" to be an array of "{from: string, to: string}" objects`, i))
			}
			for j, r := range rarr {
				rm, _ := r.(map[string]any)
				from, fromOK := rm["from"].(string)
				to, toOK := rm["to"].(string)
				if !fromOK || !toOK {
					w.shapeError(JoinPath(mp, "renamed_classes", PathIndex(j)), fmt.Sprintf(`Expected "migrations[%d].renamed_classes" to be an array of "{from: string, to: string}" objects`, i))
					continue
				}
				mig.RenamedClasses = append(mig.RenamedClasses, ClassRename{From: from, To: to, At: w.rangeOf(JoinPath(mp, "renamed_classes", PathIndex(j)))})
			}
		}
		out = append(out, mig)
	}
	return out
}

func (w *Config) readClassList(m map[string]any, mp []string, i int, key string) []ClassRef {
	raw, ok := m[key]
	if !ok {
		return nil
	}
	kp := JoinPath(mp, key)
	arr, ok := raw.([]any)
	if !ok {
		w.shapeError(kp, fmt.Sprintf(`Expected "migrations[%d].%s" to be an array of strings`, i, key))
		return nil
	}
	var out []ClassRef
	for j, e := range arr {
		s, ok := e.(string)
		if !ok {
			w.shapeError(JoinPath(kp, PathIndex(j)), fmt.Sprintf(`Expected "migrations[%d].%s" to be an array of strings`, i, key))
			continue
		}
		out = append(out, ClassRef{Name: s, At: w.rangeOf(JoinPath(kp, PathIndex(j)))})
	}
	return out
}

func (w *Config) readExports(raw any) {
	m, ok := raw.(map[string]any)
	if !ok {
		w.shapeError([]string{"exports"}, `"exports" should be a table keyed by class name`)
		return
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		em, ok := m[name].(map[string]any)
		if !ok {
			continue
		}
		typ, _ := em["type"].(string)
		if typ != "durable_object" {
			continue
		}
		storage, _ := em["storage"].(string)
		w.Exports = append(w.Exports, ExportEntry{Class: name, Type: typ, Storage: storage, At: w.rangeOf([]string{"exports", name})})
	}
}
