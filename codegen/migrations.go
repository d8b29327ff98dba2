// This file plans the ledger side of a wrangler change: which classes the next
// [[migrations]] entry creates, renames and deletes, its tag, and what needs the
// user's decision. Deleting is only ever planned on an explicit request.

package codegen

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/wrangler"
)

// ManagedObject is one class whose binding (and, for a generated object, whose
// ledger entry) generate manages.
type ManagedObject struct {
	Class   string
	Binding string
	SQLite  bool
	// ImplicitKV says the definition has no `sqlite` key: KV by the runtime's
	// default, not by choice. A new class like that is not created without --allow-kv.
	ImplicitKV bool
	// HandWritten marks a class declared in cloudwerk.config's durableObjects: it
	// is bound, never migrated, never orphaned (its storage is not ours to know).
	HandWritten bool
	// Blocked says why the object is not recorded or bound at all (an error in
	// its definition, storage not statically known); "" when it is.
	Blocked string
	Path    string // the object file (the config file for a hand-written class)
}

// Blocked is an object generate leaves out of the ledger and the bindings.
type Blocked struct {
	Class, Binding, Path, Reason string
}

// definitionErrors returns the codes of the error-level findings of one
// object's definition. Package diagnostics registers its rules here (codegen
// cannot import diagnostics); without it only the structural checks apply.
var definitionErrors func(app *analysis.App, e *analysis.Entry) []string

// RegisterDefinitionErrors installs the rules that decide whether a definition
// can be recorded in the migration ledger.
func RegisterDefinitionErrors(f func(app *analysis.App, e *analysis.Entry) []string) {
	definitionErrors = f
}

// ManagedObjects returns every class of app as the ledger sees it, sorted by
// class: the generated objects (those that cannot be recorded carry Blocked),
// then the hand-written classes of cloudwerk.config.
func ManagedObjects(app *analysis.App) []ManagedObject {
	if app == nil || app.Manifest == nil {
		return nil
	}
	valid := map[string]bool{}
	for _, o := range objects(app) {
		valid[o.Entry.Path] = true
	}
	m := app.Manifest
	out := make([]ManagedObject, 0, len(m.Entries)+len(app.Config.DurableObjects))
	bindings := map[string]bool{}
	for _, e := range m.Entries {
		st := e.Def.Storage()
		mo := ManagedObject{Class: e.ClassName, Binding: e.BindingName, SQLite: st.SQLite(), ImplicitKV: st == analysis.StorageDefaultKV, Path: e.Path}
		var codes []string
		if !valid[e.Path] {
			codes = structuralErrors(m, e)
		}
		if definitionErrors != nil {
			for _, c := range definitionErrors(app, e) {
				if !slices.Contains(codes, c) {
					codes = append(codes, c)
				}
			}
		}
		switch {
		case len(codes) > 0:
			mo.Blocked = "its definition has errors (" + strings.Join(codes, ", ") + ")"
		case !st.Known():
			mo.Blocked = "its storage is not statically known (write `sqlite: true` or `sqlite: false` as a literal)"
		default:
			bindings[e.BindingName] = true
		}
		out = append(out, mo)
	}
	for _, c := range app.Config.DurableObjects {
		mo := ManagedObject{Class: c.ClassName, Binding: c.Binding, HandWritten: true, Path: app.Config.File}
		if bindings[c.Binding] {
			mo.Blocked = "binding " + c.Binding + " is also the binding of an object file"
		}
		bindings[c.Binding] = true
		out = append(out, mo)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Class < out[j].Class })
	return out
}

// structuralErrors names why objects() left e out.
func structuralErrors(m *analysis.Manifest, e *analysis.Entry) []string {
	var codes []string
	if !analysis.ValidObjectName(e.ObjectName) {
		codes = append(codes, "INVALID_NAME")
	}
	if len(m.Duplicates(e)) > 0 {
		codes = append(codes, "DUPLICATE_NAME")
	}
	if e.Def == nil || e.Def.Export != analysis.ExportDefine {
		codes = append(codes, "INVALID_DEFINITION")
	}
	return codes
}

// PlannedMigration is the [[migrations]] entry generate would append.
type PlannedMigration struct {
	Tag              string
	NewSqliteClasses []string
	NewClasses       []string
	RenamedClasses   []Rename
	DeletedClasses   []string
}

// Empty reports whether the entry would change nothing.
func (m *PlannedMigration) Empty() bool {
	return m == nil || len(m.NewSqliteClasses)+len(m.NewClasses)+len(m.RenamedClasses)+len(m.DeletedClasses) == 0
}

// Summary is a one-line description, e.g. `v2: new_sqlite_classes [Counter]`.
func (m *PlannedMigration) Summary() string {
	if m.Empty() {
		return "nothing to append"
	}
	var parts []string
	add := func(k string, v []string) {
		if len(v) > 0 {
			parts = append(parts, fmt.Sprintf("%s [%s]", k, strings.Join(v, ", ")))
		}
	}
	var rn []string
	for _, r := range m.RenamedClasses {
		rn = append(rn, r.From+" -> "+r.To)
	}
	add("deleted_classes", m.DeletedClasses)
	add("renamed_classes", rn)
	add("new_classes", m.NewClasses)
	add("new_sqlite_classes", m.NewSqliteClasses)
	return m.Tag + ": " + strings.Join(parts, "; ")
}

// ledgerPlan is the outcome of planning against a replayed ledger.
type ledgerPlan struct {
	Migration  *PlannedMigration // nil when nothing changes
	Gone       map[string]bool   // classes this plan deletes or renames away
	NeedsFlag  []string          // decisions only the user can make (nothing destructive was planned)
	Warnings   []string
	Withheld   []string // new classes not created because an orphan might be their old name
	Ambiguous  bool     // an orphan next to a new class: the rename/delete decision blocks the plan
	NewExports []ManagedObject
	// Blocked are objects neither recorded nor bound: their own Blocked reason,
	// or a new class that would be KV-backed by default (no --allow-kv).
	Blocked []Blocked
}

// bound returns the objects whose bindings the plan manages: everything but
// what it blocked.
func (p *ledgerPlan) bound(objs []ManagedObject) []ManagedObject {
	out := make([]ManagedObject, 0, len(objs))
	for _, o := range objs {
		if !slices.ContainsFunc(p.Blocked, func(b Blocked) bool { return b.Class == o.Class && b.Path == o.Path }) {
			out = append(out, o)
		}
	}
	return out
}

var vTag = regexp.MustCompile(`^v([0-9]+)$`)

// nextTag returns v<N+1> when every tag is v<N>, else a deterministic unused tag.
func nextTag(migs []wrangler.Migration) string {
	max := 0
	allV := true
	used := map[string]bool{}
	for _, m := range migs {
		used[m.Tag] = true
		if mm := vTag.FindStringSubmatch(m.Tag); mm != nil {
			if n, err := strconv.Atoi(mm[1]); err == nil && n > max {
				max = n
			}
		} else {
			allV = false
		}
	}
	if allV {
		return "v" + strconv.Itoa(max+1)
	}
	for n := len(migs) + 1; ; n++ {
		if t := "cloudwerk-" + strconv.Itoa(n); !used[t] {
			return t
		}
	}
}

// planLedger decides the next migration for objs against the ledger of w. Only
// facts are recorded: an object that carries Blocked, or a new class that would
// be KV-backed by default (without opts.AllowKV), gets nothing and is listed in
// Blocked; hand-written classes are never created, renamed or orphaned.
func planLedger(w *wrangler.Config, objs []ManagedObject, opts Options) (*ledgerPlan, error) {
	var migs []wrangler.Migration
	if w != nil {
		migs = w.Migrations
	}
	ledger := wrangler.Replay(migs)
	if len(ledger.Errors) > 0 {
		return nil, fmt.Errorf("LEDGER_INVALID: %s; fix the [[migrations]] history first", ledger.Errors[0].Message)
	}
	p := &ledgerPlan{Gone: map[string]bool{}}
	known := map[string]bool{}         // every class something defines (recorded or not)
	want := map[string]ManagedObject{} // generated objects that may be recorded
	for _, o := range objs {
		known[o.Class] = true
		switch {
		case o.Blocked != "":
			p.Blocked = append(p.Blocked, Blocked{Class: o.Class, Binding: o.Binding, Path: o.Path, Reason: o.Blocked})
		case !o.HandWritten:
			want[o.Class] = o
		}
	}
	kvBlocked := func(o ManagedObject) bool {
		if o.SQLite || !o.ImplicitKV || opts.AllowKV {
			return false
		}
		p.Blocked = append(p.Blocked, Blocked{Class: o.Class, Binding: o.Binding, Path: o.Path,
			Reason: "it would be created KV-backed by default (no `sqlite` in its definition), and Cloudflare refuses new KV-backed classes on the free plan and for new accounts: add `sqlite: true` (or `sqlite: false` to choose KV, or pass --allow-kv)"})
		return true
	}
	mig := &PlannedMigration{Tag: nextTag(migs)}
	live := map[string]bool{} // storage after this plan's deletes/renames
	for n, c := range ledger.Live {
		live[n] = c.SQLite
	}
	if w != nil && w.UsesExports {
		if len(opts.Renames) > 0 || len(opts.Deletes) > 0 {
			return nil, fmt.Errorf("--rename/--delete record migrations, but this wrangler file uses the declarative \"exports\" table; edit \"exports\" by hand")
		}
		have := map[string]bool{}
		for _, e := range w.Exports {
			have[e.Class] = true
		}
		for _, o := range objs {
			if _, ok := want[o.Class]; ok && !have[o.Class] && !kvBlocked(o) {
				p.NewExports = append(p.NewExports, o)
			}
		}
		return p, nil
	}

	for _, d := range sortedUnique(opts.Deletes) {
		if _, ok := ledger.Live[d]; !ok {
			return nil, fmt.Errorf("--delete %s: no class %s is alive in the migration ledger", d, d)
		}
		if known[d] {
			return nil, fmt.Errorf("--delete %s: class %s still has a definition; remove its object file first", d, d)
		}
		mig.DeletedClasses = append(mig.DeletedClasses, d)
		delete(live, d)
		p.Gone[d] = true
	}
	renames := append([]Rename(nil), opts.Renames...)
	sort.Slice(renames, func(i, j int) bool { return renames[i].From < renames[j].From })
	for _, r := range renames {
		sqlite, ok := live[r.From]
		if !ok || p.Gone[r.From] {
			return nil, fmt.Errorf("--rename %s=%s: no class %s is alive in the migration ledger", r.From, r.To, r.From)
		}
		if _, taken := live[r.To]; taken {
			return nil, fmt.Errorf("--rename %s=%s: class %s already exists in the migration ledger", r.From, r.To, r.To)
		}
		if o, ok := want[r.To]; ok && o.SQLite != sqlite {
			return nil, fmt.Errorf("--rename %s=%s: %s was created %s but %s is %s; Cloudflare cannot change a class's storage", r.From, r.To, r.From, storageName(sqlite), r.To, storageName(o.SQLite))
		}
		mig.RenamedClasses = append(mig.RenamedClasses, r)
		delete(live, r.From)
		live[r.To] = sqlite
		p.Gone[r.From] = true
	}

	var newObjs []ManagedObject
	for _, o := range objs {
		if _, ok := want[o.Class]; !ok {
			continue
		}
		sqlite, ok := live[o.Class]
		if !ok {
			newObjs = append(newObjs, o)
			continue
		}
		if sqlite != o.SQLite {
			p.Warnings = append(p.Warnings, fmt.Sprintf("%s was created %s but is now declared %s; Cloudflare cannot convert it (STORAGE_CHANGED)", o.Class, storageName(sqlite), storageName(o.SQLite)))
		}
	}
	var orphans []string
	for n := range live {
		if !known[n] && !opts.openClasses {
			orphans = append(orphans, n)
		}
	}
	sort.Strings(orphans)
	for _, orphan := range orphans {
		var candidates []string
		for _, o := range newObjs {
			if o.SQLite == live[orphan] {
				candidates = append(candidates, o.Class)
			}
		}
		if len(candidates) > 0 {
			p.Ambiguous = true
			p.NeedsFlag = append(p.NeedsFlag, fmt.Sprintf("class %s has no definition any more and %s is new: if it was renamed, run `generate --rename %s=%s` to keep its data; otherwise `generate --delete %s` (destroys its data)", orphan, strings.Join(candidates, ", "), orphan, candidates[0], orphan))
			continue
		}
		p.NeedsFlag = append(p.NeedsFlag, fmt.Sprintf("class %s is alive in the migration ledger but has no definition; it is kept (its data too). Run `generate --rename %s=New` if it was renamed, or `generate --delete %s` to delete it and all its data", orphan, orphan, orphan))
	}
	for _, o := range newObjs {
		if p.Ambiguous {
			p.Withheld = append(p.Withheld, o.Class)
			continue
		}
		if kvBlocked(o) {
			continue
		}
		if o.SQLite {
			mig.NewSqliteClasses = append(mig.NewSqliteClasses, o.Class)
		} else {
			mig.NewClasses = append(mig.NewClasses, o.Class)
		}
	}
	if !mig.Empty() {
		p.Migration = mig
	}
	return p, nil
}

func storageName(sqlite bool) string {
	if sqlite {
		return "SQLite-backed"
	}
	return "KV-backed"
}

func sortedUnique(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
