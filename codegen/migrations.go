// This file plans the ledger side of a wrangler change: which classes the next
// [[migrations]] entry creates, renames and deletes, its tag, and what needs the
// user's decision. Deleting is only ever planned on an explicit request.

package codegen

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/wrangler"
)

// ManagedObject is one durable object whose binding and class generate manages.
type ManagedObject struct {
	Class   string
	Binding string
	SQLite  bool
}

// ManagedObjects returns the valid objects of app (see Objects), sorted by class.
func ManagedObjects(app *analysis.App) []ManagedObject {
	var out []ManagedObject
	for _, o := range objects(app) {
		out = append(out, ManagedObject{Class: o.Entry.ClassName, Binding: o.Entry.BindingName, SQLite: o.Entry.Def.SQLite()})
	}
	return out
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

// planLedger decides the next migration for objs against the ledger of w.
func planLedger(w *wrangler.Config, objs []ManagedObject, opts Options) (*ledgerPlan, error) {
	var migs []wrangler.Migration
	if w != nil {
		migs = w.Migrations
	}
	ledger := wrangler.Replay(migs)
	if len(ledger.Errors) > 0 {
		return nil, fmt.Errorf("LEDGER_INVALID: %s; fix the [[migrations]] history first", ledger.Errors[0].Message)
	}
	want := map[string]ManagedObject{}
	for _, o := range objs {
		want[o.Class] = o
	}
	p := &ledgerPlan{Gone: map[string]bool{}}
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
			if !have[o.Class] {
				p.NewExports = append(p.NewExports, o)
			}
		}
		return p, nil
	}

	for _, d := range sortedUnique(opts.Deletes) {
		if _, ok := ledger.Live[d]; !ok {
			return nil, fmt.Errorf("--delete %s: no class %s is alive in the migration ledger", d, d)
		}
		if _, ok := want[d]; ok {
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
		if _, ok := want[n]; !ok {
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
