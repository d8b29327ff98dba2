// This file plans the wrangler config generate writes: bindings upserted for every
// valid object (top level and each [env.X] that declares durable_objects), one
// [[migrations]] entry appended when something changed (or `exports` entries), and
// the file created as wrangler.toml when the app has none. Edits are byte splices;
// the result is re-read and checked before it is offered.

package codegen

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/safefs"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/wrangler"
)

// WranglerPlan is the change generate would make to the wrangler file.
type WranglerPlan struct {
	Path   string
	Format wrangler.Format
	Exists bool // false: the file would be created
	Old    []byte
	New    []byte

	Migration *PlannedMigration // the appended entry, nil when none
	// EnvMigrations are the entries appended to environments that keep their own
	// ledger (wrangler uses an env's `migrations` instead of the top level's).
	EnvMigrations   []EnvMigration
	AddedExports    []string
	AddedBindings   []string // "COUNTER -> Counter", prefixed with "env.X: " for environments
	UpdatedBindings []string
	RemovedBindings []string

	// NeedsFlag says which decisions only the user can make (an orphaned class):
	// nothing destructive is planned without --rename/--delete.
	NeedsFlag []string
	// Withheld are new classes not created because an orphan may be their old name.
	Withheld []string
	// Blocked are objects neither recorded in the ledger nor bound (a migration is permanent):
	// generate writes everything else and exits 1 naming them.
	Blocked  []Blocked
	Warnings []string
	// Notes are facts about the plan worth telling (e.g. a created file without `main`).
	Notes []string
}

// EnvMigration is one entry appended to an environment's own ledger.
type EnvMigration struct {
	Env       string
	Migration *PlannedMigration
}

// Changed reports whether the plan writes anything.
func (p *WranglerPlan) Changed() bool { return !p.Exists || !bytes.Equal(p.Old, p.New) }

// ErrNeedsDecision is wrapped by the generate seam's error when an orphaned class
// sits next to a new class: appending the new class would make the rename impossible.
var ErrNeedsDecision = errors.New("the migration ledger needs a decision")

// wranglerChange is the wrangler file's change for Plan: the change to write
// (nil when nothing changes). An error that needs the user's decision (an
// orphaned class without --rename/--delete) is returned as is.
func wranglerChange(app *analysis.App, opts Options) (*FileChange, error) {
	p, err := PlanWrangler(app, opts)
	if err != nil {
		return nil, err
	}
	if len(p.Withheld) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrNeedsDecision, strings.Join(p.NeedsFlag, "; "))
	}
	if !p.Changed() {
		return nil, nil
	}
	return &FileChange{Path: p.Path, Target: TargetWrangler, Old: p.Old, Exists: p.Exists, New: p.New}, nil
}

// PlanWrangler plans the wrangler file of app. It never writes.
func PlanWrangler(app *analysis.App, opts Options) (*WranglerPlan, error) {
	if app == nil {
		return nil, errors.New("no app")
	}
	objs := ManagedObjects(app)
	opts.openClasses = app.Config.DurableObjectsOpen
	w := app.Wrangler
	if w == nil {
		return createWrangler(app, objs, opts)
	}
	return editWrangler(w, objs, opts)
}

// EditWrangler computes the new content of the wrangler file at path (content
// data) for objs. It is pure: the file name only selects the format.
func EditWrangler(path string, data []byte, objs []ManagedObject, opts Options) (*WranglerPlan, error) {
	return editWrangler(wrangler.Parse(path, data), objs, opts)
}

// editWrangler plans the edit of an already parsed wrangler file.
func editWrangler(w *wrangler.Config, objs []ManagedObject, opts Options) (*WranglerPlan, error) {
	path, data := w.Path, w.Data
	if w.ParseError != nil {
		return nil, fmt.Errorf("WRANGLER_CONFIG: %s: %s; the file is not written", path, w.ParseError.Message)
	}
	if len(w.ShapeErrors) > 0 {
		return nil, fmt.Errorf("WRANGLER_CONFIG: %s: %s; the file is not written", path, w.ShapeErrors[0].Message)
	}
	lp, err := planLedger(w, objs, opts)
	if err != nil {
		return nil, err
	}
	plan := &WranglerPlan{Path: path, Format: w.Format, Exists: true, Old: data, Migration: lp.Migration,
		NeedsFlag: lp.NeedsFlag, Withheld: lp.Withheld, Blocked: lp.Blocked, Warnings: lp.Warnings}
	bound := lp.bound(objs)

	// Bindings whose class went away (now or earlier in the ledger) may be dropped.
	gone := map[string]bool{}
	for c := range wrangler.Replay(w.Migrations).Gone {
		gone[c] = true
	}
	for c := range lp.Gone {
		gone[c] = true
	}
	// Bindings are not inherited by environments: every [env.X] gets them too.
	edits := []bindingEdit{planBindings(nil, w.Bindings, bound, objs, gone)}
	for _, env := range w.Envs {
		edits = append(edits, planBindings([]string{"env", env.Name}, env.Bindings, bound, objs, gone))
	}

	nl := "\n"
	if w.Doc.CRLF {
		nl = "\r\n"
	}
	type editor interface {
		bindings(bindingEdit) ([]splice, error)
		migration([]string, *PlannedMigration) ([]splice, error)
		exports([]ManagedObject) ([]splice, error)
	}
	var ed editor = &tomlEditor{doc: w.Doc, nl: nl}
	if w.Format != wrangler.TOML {
		ed = &jsonEditor{doc: w.Doc, nl: nl}
	}
	var splices []splice
	for _, be := range edits {
		if len(be.add)+len(be.update)+len(be.remove) == 0 {
			continue
		}
		s, err := ed.bindings(be)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		splices = append(splices, s...)
		plan.recordBindings(be)
	}
	if lp.Migration != nil {
		s, err := ed.migration(nil, lp.Migration)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		splices = append(splices, s...)
	}
	// Migrations are inherited unless an env has its own ledger: then that ledger
	// is the one its deploys replay, and it needs the same new classes.
	for _, env := range w.Envs {
		if !env.HasMigrations || w.UsesExports {
			continue
		}
		elp, err := planLedger(&wrangler.Config{Migrations: env.Migrations}, objs, envOptions(opts, env))
		if err != nil {
			return nil, fmt.Errorf("env.%s: %w", env.Name, err)
		}
		plan.mergeEnv(env.Name, elp)
		if elp.Migration != nil {
			s, err := ed.migration([]string{"env", env.Name}, elp.Migration)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			splices = append(splices, s...)
		}
	}
	if len(lp.NewExports) > 0 {
		s, err := ed.exports(lp.NewExports)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		splices = append(splices, s...)
		for _, o := range lp.NewExports {
			plan.AddedExports = append(plan.AddedExports, o.Class)
		}
	}
	plan.New = applySplices(data, splices)
	if len(splices) == 0 {
		return plan, nil // nothing changed: the file was already read and checked
	}
	if err := verifyEdit(path, plan, bound, edits); err != nil {
		return nil, err
	}
	return plan, nil
}

// envOptions are the options for an environment's own ledger: the renames and
// deletes of classes alive in it (a class another ledger holds is not its
// business). Its orphans are not planned for: renaming or deleting a class that
// only an env's ledger holds is left to the user (the top level's flags name
// the top level's classes).
func envOptions(opts Options, env wrangler.Env) Options {
	live := env.Ledger().Live
	o := Options{AllowKV: opts.AllowKV, openClasses: true}
	for _, r := range opts.Renames {
		if live[r.From] != nil {
			o.Renames = append(o.Renames, r)
		}
	}
	for _, d := range opts.Deletes {
		if live[d] != nil {
			o.Deletes = append(o.Deletes, d)
		}
	}
	return o
}

// mergeEnv adds what planning an environment's own ledger found to the plan.
func (p *WranglerPlan) mergeEnv(env string, lp *ledgerPlan) {
	if lp.Migration != nil {
		p.EnvMigrations = append(p.EnvMigrations, EnvMigration{Env: env, Migration: lp.Migration})
	}
	for _, n := range lp.NeedsFlag {
		p.NeedsFlag = append(p.NeedsFlag, "env."+env+": "+n)
	}
	p.Withheld = append(p.Withheld, lp.Withheld...)
	for _, b := range lp.Blocked {
		if !slices.ContainsFunc(p.Blocked, func(x Blocked) bool { return x.Class == b.Class && x.Path == b.Path }) {
			b.Reason = "in env." + env + "'s own ledger, " + b.Reason
			p.Blocked = append(p.Blocked, b)
		}
	}
	for _, w := range lp.Warnings {
		p.Warnings = append(p.Warnings, "env."+env+": "+w)
	}
}

// bindingEdit is what changes in one bindings array.
type bindingEdit struct {
	prefix []string       // nil, or {"env", name}
	update map[int]string // array index -> new class_name
	remove map[int]bool
	add    []ManagedObject
	names  map[int]string // array index -> binding name, for the report
}

// classNameSplices rewrites, in place, the class_name of each binding of the
// array at bp that this edit updates (the same in TOML and JSONC).
func (be bindingEdit) classNameSplices(doc *wrangler.Doc, bp []string) ([]splice, error) {
	var out []splice
	for idx, class := range be.update {
		l, ok := doc.Loc(wrangler.JoinPath(bp, wrangler.PathIndex(idx), "class_name")...)
		if !ok {
			return nil, fmt.Errorf("cannot locate %s[%d].class_name", strings.Join(bp, "."), idx)
		}
		out = append(out, splice{start: l.Value.Start, end: l.Value.End, text: quoteString(class)})
	}
	return out, nil
}

// planBindings upserts one binding per bound object into existing: user
// bindings (with script_name) are never touched; a local binding is dropped
// only when its class was deleted or renamed away, and never while something
// (all: every class the app defines, recorded or not) still names it.
func planBindings(prefix []string, existing []wrangler.DOBinding, bound, all []ManagedObject, gone map[string]bool) bindingEdit {
	be := bindingEdit{prefix: prefix, update: map[int]string{}, remove: map[int]bool{}, names: make(map[int]string, len(existing))}
	byName := make(map[string]wrangler.DOBinding, len(existing))
	for _, b := range existing {
		if _, dup := byName[b.Name]; !dup {
			byName[b.Name] = b
		}
		be.names[b.Index] = b.Name + " -> " + b.ClassName
	}
	for _, o := range bound {
		b, ok := byName[o.Binding]
		switch {
		case !ok:
			be.add = append(be.add, o)
		case !b.Local():
			// A binding to another worker's class under this name is the user's.
		case b.ClassName != o.Class:
			be.update[b.Index] = o.Class
		}
	}
	wantBinding := make(map[string]bool, len(all))
	want := make(map[string]bool, len(all))
	for _, o := range all {
		wantBinding[o.Binding] = true
		want[o.Class] = true
	}
	for _, b := range existing {
		if b.Local() && !wantBinding[b.Name] && !want[b.ClassName] && gone[b.ClassName] {
			be.remove[b.Index] = true
		}
	}
	return be
}

func (p *WranglerPlan) recordBindings(be bindingEdit) {
	prefix := ""
	if len(be.prefix) == 2 {
		prefix = "env." + be.prefix[1] + ": "
	}
	for _, o := range be.add {
		p.AddedBindings = append(p.AddedBindings, prefix+o.Binding+" -> "+o.Class)
	}
	for _, i := range sortedKeys(be.update) {
		p.UpdatedBindings = append(p.UpdatedBindings, prefix+be.names[i]+" => "+be.update[i])
	}
	for _, i := range sortedKeys(be.remove) {
		p.RemovedBindings = append(p.RemovedBindings, prefix+be.names[i])
	}
}

func sortedKeys[V any](m map[int]V) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

// verifyEdit re-reads the new content: it must parse, replay, and hold what was planned.
func verifyEdit(path string, plan *WranglerPlan, objs []ManagedObject, edits []bindingEdit) error {
	w := wrangler.Parse(path, plan.New)
	fail := func(why string) error {
		return fmt.Errorf("%s: cannot edit this file safely (%s); it is not written", path, why)
	}
	if w.ParseError != nil {
		return fail(w.ParseError.Message)
	}
	if len(w.ShapeErrors) > 0 {
		return fail(w.ShapeErrors[0].Message)
	}
	if l := w.Ledger(); len(l.Errors) > 0 {
		return fail(l.Errors[0].Message)
	}
	if plan.Migration != nil {
		if n := len(w.Migrations); n == 0 || w.Migrations[n-1].Tag != plan.Migration.Tag {
			return fail("the new migration is not last")
		}
	}
	for _, em := range plan.EnvMigrations {
		for _, env := range w.Envs {
			if env.Name != em.Env {
				continue
			}
			if l := env.Ledger(); len(l.Errors) > 0 {
				return fail("env." + env.Name + ": " + l.Errors[0].Message)
			}
			if n := len(env.Migrations); n == 0 || env.Migrations[n-1].Tag != em.Migration.Tag {
				return fail("the new migration of env." + env.Name + " is not last")
			}
		}
	}
	check := func(bs []wrangler.DOBinding, where string) error {
		have := map[string]bool{}
		for _, b := range bs {
			have[b.Name] = true
		}
		for _, o := range objs {
			if !have[o.Binding] {
				return fail(fmt.Sprintf("binding %s missing %s after the edit", o.Binding, where))
			}
		}
		return nil
	}
	for _, be := range edits {
		if be.prefix == nil {
			if err := check(w.Bindings, "at the top level"); err != nil {
				return err
			}
			continue
		}
		for _, env := range w.Envs {
			if env.Name == be.prefix[1] {
				if err := check(env.Bindings, "in env."+env.Name); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// DefaultCompatibilityDate is written into a new wrangler.toml; fixed so generate stays deterministic.
const DefaultCompatibilityDate = "2025-06-01"

var unsafeWorkerName = regexp.MustCompile(`[^a-z0-9-]+`)

// createWrangler renders a new wrangler.toml for an app without one. It names
// a `main` only when the entry exists; otherwise the key is left out with a
// comment saying what to put there (and the plan notes it).
func createWrangler(app *analysis.App, objs []ManagedObject, opts Options) (*WranglerPlan, error) {
	lp, err := planLedger(nil, objs, opts)
	if err != nil {
		return nil, err
	}
	name := strings.Trim(unsafeWorkerName.ReplaceAllString(strings.ToLower(filepath.Base(app.Root)), "-"), "-")
	if name == "" {
		name = "cloudwerk-app"
	}
	plan := &WranglerPlan{Path: filepath.Join(app.Root, "wrangler.toml"), Format: wrangler.TOML, Migration: lp.Migration,
		Blocked: lp.Blocked, NeedsFlag: lp.NeedsFlag, Warnings: lp.Warnings}
	nl := "\n"
	var b strings.Builder
	b.WriteString("name = " + quoteString(name) + nl)
	if entry := WorkerEntry(app.Root); entry != "" {
		b.WriteString("main = " + quoteString(entry) + nl)
	} else {
		b.WriteString("# main = \"src/index.ts\"  # your Worker entry; it must `export * from './.cloudwerk/generated/objects'`" + nl)
		plan.Notes = append(plan.Notes, fmt.Sprintf("wrangler.toml: no Worker entry found (looked for %s), so `main` is left out; set it to your Worker entry, which must `export * from './.cloudwerk/generated/objects'`", strings.Join(entryCandidates, ", ")))
	}
	b.WriteString("compatibility_date = " + quoteString(DefaultCompatibilityDate) + nl)
	for _, o := range lp.bound(objs) {
		b.WriteString(nl + "[[durable_objects.bindings]]" + nl + "name = " + quoteString(o.Binding) + nl + "class_name = " + quoteString(o.Class) + nl)
		plan.AddedBindings = append(plan.AddedBindings, o.Binding+" -> "+o.Class)
	}
	if lp.Migration != nil {
		b.WriteString(nl + "[[migrations]]" + nl + strings.Join(tomlMigrationFields(lp.Migration), nl) + nl)
	}
	plan.New = []byte(b.String())
	return plan, nil
}

// entryCandidates are the Worker entries a new wrangler.toml may name, in order:
// the usual source entries, then the output of `cloudwerk build`.
var entryCandidates = []string{"worker.ts", "src/index.ts", "src/worker.ts", "index.ts", "src/index.js", "worker.js", "index.js", "dist/index.js"}

// WorkerEntry returns the first entry candidate that exists under root, or "".
func WorkerEntry(root string) string {
	for _, c := range entryCandidates {
		if safefs.IsFile(filepath.Join(root, filepath.FromSlash(c))) {
			return c
		}
	}
	return ""
}
