// This file defines the wrangler drift rules: the wrangler file (WRANGLER_CONFIG,
// CONFIG_AMBIGUOUS), its ledger (LEDGER_INVALID, ORPHANED_CLASS) and how both
// match the manifest (BINDING_*, MIGRATION_MISSING, STORAGE_CHANGED, KV_STORAGE).
// A finding with a place in the wrangler file lands there too, with related
// information both ways. Apps without a wrangler file get only KV_STORAGE (generate
// creates the file).

package diagnostics

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/textpos"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/wrangler"
	"github.com/cloudwerk/cloudwerk-lsp/codegen"
)

// wranglerFindings compares the app's wrangler config with its manifest.
func wranglerFindings(app *analysis.App) []Diagnostic {
	w := app.Wrangler
	if w == nil {
		// No ledger yet: every object is still to be created, KV-backed by default.
		var out []Diagnostic
		d := &drift{app: app}
		for _, e := range d.recordable() {
			if defaultKV(e) {
				out = append(out, d.kvStorage(e))
			}
		}
		return out
	}
	var out []Diagnostic
	base := filepath.Base(w.Path)
	if len(w.Ambiguous) > 0 {
		var names []string
		var rel []Related
		for _, p := range w.Ambiguous {
			names = append(names, filepath.Base(p))
			rel = append(rel, Related{Path: p, Message: "not used: wrangler reads " + base})
		}
		out = append(out, Diagnostic{Code: ConfigAmbiguous, Severity: Warning, Path: w.Path, Related: rel,
			Message: fmt.Sprintf("several wrangler files: %s is used and %s ignored (wrangler prefers wrangler.json, then wrangler.jsonc, then wrangler.toml); remove the others", base, strings.Join(names, ", "))})
	}
	if w.ParseError != nil {
		return append(out, Diagnostic{Code: WranglerConfig, Severity: Error, Path: w.Path, Range: w.ParseError.At, Message: w.ParseError.Message})
	}
	for _, e := range w.ShapeErrors {
		out = append(out, Diagnostic{Code: WranglerConfig, Severity: Error, Path: w.Path, Range: e.At, Message: base + ": " + e.Message})
	}
	if len(w.ShapeErrors) > 0 {
		return out // the model is partial: drift findings would be guesses
	}
	ledger := w.Ledger()
	for _, e := range ledger.Errors {
		out = append(out, Diagnostic{Code: LedgerInvalid, Severity: Error, Path: w.Path, Range: e.At,
			Message: "the migration history does not replay: " + e.Message + "; wrangler refuses to deploy"})
	}
	for _, env := range w.Envs {
		if env.HasMigrations {
			for _, e := range env.Ledger().Errors {
				out = append(out, Diagnostic{Code: LedgerInvalid, Severity: Error, Path: w.Path, Range: e.At,
					Message: "the migration history of env." + env.Name + " does not replay: " + e.Message + "; wrangler refuses to deploy it"})
			}
		}
	}
	d := &drift{app: app, w: w, ledger: ledger}
	out = append(out, d.objects()...)
	out = append(out, d.handWrittenBindings()...)
	out = append(out, d.orphans()...)
	out = append(out, d.entryFindings()...)
	return out
}

type drift struct {
	app    *analysis.App
	w      *wrangler.Config
	ledger *wrangler.Ledger

	planned bool
	fix     *Fix // the wrangler edit generate would make, when it can be made

	bindingIdx map[string]bindingIndex // by env ("" = top level)

	// recordable, worked out once: it runs every object's rules (several
	// passes asked for it per check).
	recordableDone bool
	recordableList []*analysis.Entry
}

// recordable returns the objects generate would record in the ledger: valid,
// without error-level findings, storage statically known. The others get no
// drift findings; their own findings say what to fix first.
func (d *drift) recordable() []*analysis.Entry {
	if d.recordableDone {
		return d.recordableList
	}
	d.recordableDone = true
	blocked := map[string]bool{}
	for _, o := range codegen.ManagedObjects(d.app) {
		if o.Blocked != "" {
			blocked[o.Path] = true
		}
	}
	for _, e := range codegen.Objects(d.app) {
		if !blocked[e.Path] {
			d.recordableList = append(d.recordableList, e)
		}
	}
	return d.recordableList
}

// defaultKV reports an object without `sqlite`: KV-backed by the runtime's default.
func defaultKV(e *analysis.Entry) bool { return e.Def.Storage() == analysis.StorageDefaultKV }

// objectAnchor is where an object-level finding goes in the object file.
func objectAnchor(e *analysis.Entry) analysis.Range { return fileLevelRange(e.Def) }

// sqliteAnchor is the `sqlite` field, or the object anchor when absent.
func sqliteAnchor(e *analysis.Entry) analysis.Range {
	if f := e.Def.Fields["sqlite"]; f != nil {
		return f.At
	}
	return objectAnchor(e)
}

// wranglerFix returns the quick fix that applies generate's wrangler edit.
func (d *drift) wranglerFix() []Fix {
	if !d.planned {
		d.planned = true
		plan, err := codegen.PlanWrangler(d.app, codegen.Options{})
		if err == nil && len(plan.Withheld) == 0 && plan.Changed() && plan.Exists {
			d.fix = &Fix{Title: "Update " + filepath.Base(d.w.Path) + " (bindings and migrations)", Preferred: true,
				Edits: []TextEdit{minimalEdit(d.w, plan.Old, plan.New)}}
		}
	}
	if d.fix == nil {
		return nil
	}
	return []Fix{*d.fix}
}

// planFix returns a fix applying the wrangler edit for opts, or nil when it cannot be planned.
func (d *drift) planFix(title string, preferred bool, opts codegen.Options) []Fix {
	plan, err := codegen.PlanWrangler(d.app, opts)
	if err != nil || !plan.Changed() || !plan.Exists {
		return nil
	}
	return []Fix{{Title: title, Preferred: preferred, Edits: []TextEdit{minimalEdit(d.w, plan.Old, plan.New)}}}
}

// minimalEdit turns old -> new into one edit of whole lines.
func minimalEdit(w *wrangler.Config, old, new []byte) TextEdit {
	p := 0
	for p < len(old) && p < len(new) && old[p] == new[p] {
		p++
	}
	for p > 0 && old[p-1] != '\n' {
		p--
	}
	s := 0
	for s < len(old)-p && s < len(new)-p && old[len(old)-1-s] == new[len(new)-1-s] {
		s++
	}
	e := len(old) - s
	for e < len(old) && (e == 0 || old[e-1] != '\n') {
		e++
	}
	ne := len(new) - (len(old) - e)
	return TextEdit{Path: w.Path, Range: w.Doc.Range(textpos.Span{Start: p, End: e}), NewText: string(new[p:ne])}
}

// objects checks each valid object against bindings and the ledger.
func (d *drift) objects() []Diagnostic {
	var out []Diagnostic
	w := d.w
	base := filepath.Base(w.Path)
	for _, e := range d.recordable() {
		sqlite := e.Def.SQLite()
		created, createdSQLite, createdAt := d.created(e.ClassName)
		// A new class that would be KV-backed by default is left out by generate
		// until the definition says which storage: offer that choice, SQLite first.
		fixes := d.wranglerFix
		if !created && defaultKV(e) {
			fixes = func() []Fix { return storageFixes(e) }
		}
		// Bindings are not inherited: the top level and every [env.X] need their own.
		out = append(out, d.bindingFindings(e, w.Bindings, "", fixes)...)
		for _, env := range w.Envs {
			out = append(out, d.bindingFindings(e, env.Bindings, env.Name, fixes)...)
		}
		out = append(out, d.envLedgerFindings(e, fixes)...)
		if !created {
			how := "no [[migrations]] entry creates class " + e.ClassName
			if w.UsesExports {
				how = "the \"exports\" table has no entry for class " + e.ClassName
			}
			var rel []Related
			if w.HasMigrations {
				rel = append(rel, Related{Path: w.Path, Range: w.MigrationsAt, Message: "the migration ledger"})
			}
			diag := Diagnostic{Code: MigrationMissing, Severity: Error, Path: e.Path, Range: objectAnchor(e), Related: rel,
				Message: fmt.Sprintf("%s in %s: wrangler deploy fails until the class is created (run `cloudwerk-lsp generate`)", how, base), Fixes: fixes()}
			out = append(out, diag, mirrorOnWrangler(diag, w, e))
			if defaultKV(e) {
				out = append(out, d.kvStorage(e))
			}
			continue
		}
		if createdSQLite != sqlite {
			msg := fmt.Sprintf("class %s was created %s by the migration ledger but is declared %s here; Cloudflare cannot convert a class's storage", e.ClassName, storageWord(createdSQLite), storageWord(sqlite))
			out = append(out,
				Diagnostic{Code: StorageChanged, Severity: Error, Path: e.Path, Range: sqliteAnchor(e), Message: msg,
					Related: []Related{{Path: w.Path, Range: createdAt, Message: "created here"}}},
				Diagnostic{Code: StorageChanged, Severity: Error, Path: w.Path, Range: createdAt, Message: msg, Mirror: true,
					Related: []Related{{Path: e.Path, Range: sqliteAnchor(e), Message: "declared here"}}})
		}
	}
	return out
}

// handWrittenBindings reports BINDING_MISSING for the hand-written classes of
// cloudwerk.config's durableObjects: generate binds them (top level and every
// environment) like the generated ones, and the finding lands on their entry.
func (d *drift) handWrittenBindings() []Diagnostic {
	cfg := d.app.Config
	taken := map[string]bool{}
	for _, e := range d.recordable() {
		taken[e.BindingName] = true
	}
	var out []Diagnostic
	for _, c := range cfg.DurableObjects {
		if taken[c.Binding] {
			continue // the binding belongs to an object file (generate reports the clash)
		}
		check := func(bindings []wrangler.DOBinding, env string) {
			if _, ok := d.bindingIndexOf(bindings, env).byName[c.Binding]; ok {
				return
			}
			where := "the top level of " + filepath.Base(d.w.Path)
			if env != "" {
				where = "env." + env + " of " + filepath.Base(d.w.Path)
			}
			diag := Diagnostic{Code: BindingMissing, Severity: Error, Path: cfg.File, Range: c.At, Fixes: d.wranglerFix(),
				Message: fmt.Sprintf("no durable_objects binding %s -> %s in %s for the hand-written class declared here: env.%s is undefined at run time", c.Binding, c.ClassName, where, c.Binding)}
			mirror := diag
			mirror.Path, mirror.Range, mirror.Mirror = d.w.Path, analysis.Range{}, true
			mirror.Related = []Related{{Path: cfg.File, Range: c.At, Message: "durableObjects." + c.Binding}}
			out = append(out, diag, mirror)
		}
		check(d.w.Bindings, "")
		for _, env := range d.w.Envs {
			check(env.Bindings, env.Name)
		}
	}
	return out
}

// envLedgerFindings reports MIGRATION_MISSING for each environment that keeps
// its own ledger without the class: wrangler deploys that env with its own
// `migrations`, not the top level's.
func (d *drift) envLedgerFindings(e *analysis.Entry, fixes func() []Fix) []Diagnostic {
	var out []Diagnostic
	for _, env := range d.w.Envs {
		if !env.HasMigrations || env.Ledger().Live[e.ClassName] != nil {
			continue
		}
		diag := Diagnostic{Code: MigrationMissing, Severity: Error, Path: e.Path, Range: objectAnchor(e),
			Related: []Related{{Path: d.w.Path, Range: env.MigrationsAt, Message: "env." + env.Name + "'s own migration ledger"}},
			Message: fmt.Sprintf("env.%s of %s has its own [[migrations]] ledger (wrangler deploys the env with it, not the top level's) and no entry there creates class %s: `wrangler deploy --env %s` fails until it does (run `cloudwerk-lsp generate`)",
				env.Name, filepath.Base(d.w.Path), e.ClassName, env.Name), Fixes: fixes()}
		out = append(out, diag, mirrorOnWrangler(diag, d.w, e))
	}
	return out
}

// mirrorOnWrangler copies a finding about something the wrangler file lacks onto
// the wrangler file itself (at the array that lacks it, or the top of the file),
// so the editor shows it on both files involved.
func mirrorOnWrangler(diag Diagnostic, w *wrangler.Config, e *analysis.Entry) Diagnostic {
	m := diag
	m.Path = w.Path
	m.Range = analysis.Range{}
	if len(diag.Related) > 0 {
		m.Range = diag.Related[0].Range
	}
	m.Related = []Related{{Path: e.Path, Range: objectAnchor(e), Message: "object " + e.ObjectName}}
	m.Mirror = true
	return m
}

// created reports whether the ledger (or the exports table) creates class, with its storage and place.
func (d *drift) created(class string) (ok, sqlite bool, at analysis.Range) {
	if d.w.UsesExports {
		for _, x := range d.w.Exports {
			if x.Class == class {
				return true, x.Storage == "sqlite", x.At
			}
		}
		return false, false, analysis.Range{}
	}
	if lc := d.ledger.Live[class]; lc != nil {
		return true, lc.SQLite, lc.At
	}
	return false, false, analysis.Range{}
}

func storageWord(sqlite bool) string {
	if sqlite {
		return "SQLite-backed (new_sqlite_classes)"
	}
	return "KV-backed (new_classes)"
}

// kvStorage is the KV_STORAGE warning with its `sqlite: true` fix.
func (d *drift) kvStorage(e *analysis.Entry) Diagnostic {
	return Diagnostic{Code: KVStorage, Severity: Warning, Path: e.Path, Range: sqliteAnchor(e), Fixes: storageFixes(e)[:1],
		Message: fmt.Sprintf("%s would be created KV-backed (no `sqlite: true`): Cloudflare refuses new KV-backed Durable Object namespaces on the free plan (code 10097); SQLite-backed is recommended, and `generate` leaves the class out until `sqlite` says which (or --allow-kv)", e.ClassName)}
}

// storageFixes are the two ways to state an object's storage: `sqlite: true`
// (preferred) and `sqlite: false`; none when the config is not a literal.
func storageFixes(e *analysis.Entry) []Fix {
	fixes := sqliteTrueFix(e)
	if len(fixes) == 0 {
		return nil
	}
	kv := fixes[0]
	edit := kv.Edits[0]
	edit.NewText = strings.Replace(edit.NewText, "true", "false", 1)
	kv.Title, kv.Preferred, kv.Edits = "Keep KV storage (sqlite: false; refused on the free plan)", false, []TextEdit{edit}
	return append(fixes, kv)
}

// bindingIndex finds a bindings array's first binding of a name, and its first
// local binding of a class, without a scan per object (which made checking
// 10,000 objects quadratic).
type bindingIndex struct{ byName, byClass map[string]int }

// bindingIndexOf returns the index of env's bindings, built on first use.
func (d *drift) bindingIndexOf(bindings []wrangler.DOBinding, env string) bindingIndex {
	if idx, ok := d.bindingIdx[env]; ok {
		return idx
	}
	idx := bindingIndex{byName: make(map[string]int, len(bindings)), byClass: make(map[string]int, len(bindings))}
	for i, b := range bindings {
		if _, ok := idx.byName[b.Name]; !ok {
			idx.byName[b.Name] = i
		}
		if _, ok := idx.byClass[b.ClassName]; !ok && b.Local() {
			idx.byClass[b.ClassName] = i
		}
	}
	if d.bindingIdx == nil {
		d.bindingIdx = map[string]bindingIndex{}
	}
	d.bindingIdx[env] = idx
	return idx
}

// bindingFindings checks the binding of e in one bindings array (env "" = top level).
func (d *drift) bindingFindings(e *analysis.Entry, bindings []wrangler.DOBinding, env string, fixes func() []Fix) []Diagnostic {
	w := d.w
	where := "the top level of " + filepath.Base(w.Path)
	if env != "" {
		where = "env." + env + " of " + filepath.Base(w.Path)
	}
	idx := d.bindingIndexOf(bindings, env)
	var byName, byClass *wrangler.DOBinding
	if i, ok := idx.byName[e.BindingName]; ok {
		byName = &bindings[i]
	}
	if i, ok := idx.byClass[e.ClassName]; ok {
		byClass = &bindings[i]
	}
	mismatch := func(b *wrangler.DOBinding, msg string) []Diagnostic {
		return []Diagnostic{
			{Code: BindingMismatch, Severity: Error, Path: e.Path, Range: objectAnchor(e), Message: msg,
				Related: []Related{{Path: w.Path, Range: b.At, Message: "binding " + b.Name}}, Fixes: fixes()},
			{Code: BindingMismatch, Severity: Error, Path: w.Path, Range: b.ClassAt, Message: msg, Mirror: true,
				Related: []Related{{Path: e.Path, Range: objectAnchor(e), Message: "object " + e.ObjectName}}, Fixes: fixes()},
		}
	}
	switch {
	case byName != nil && (byName.ClassName != e.ClassName || !byName.Local()):
		msg := fmt.Sprintf("binding %s in %s points at class %s, but object %s is class %s", e.BindingName, where, byName.ClassName, e.ObjectName, e.ClassName)
		if !byName.Local() {
			msg += fmt.Sprintf(" of worker %q", byName.ScriptName)
		}
		return mismatch(byName, msg)
	case byName == nil && byClass != nil:
		return mismatch(byClass, fmt.Sprintf("class %s is bound as %s in %s, but Cloudwerk looks it up as %s (durableObjects.%s)", e.ClassName, byClass.Name, where, e.BindingName, e.ClassName))
	case byName == nil:
		var rel []Related
		if len(bindings) > 0 {
			rel = []Related{{Path: w.Path, Range: bindings[0].At, Message: "durable_objects.bindings"}}
		}
		diag := Diagnostic{Code: BindingMissing, Severity: Error, Path: e.Path, Range: objectAnchor(e), Related: rel, Fixes: fixes(),
			Message: fmt.Sprintf("no durable_objects binding %s -> %s in %s: env.%s is undefined at run time", e.BindingName, e.ClassName, where, e.BindingName)}
		return []Diagnostic{diag, mirrorOnWrangler(diag, w, e)}
	}
	return nil
}

// orphans reports bindings and live classes that no definition backs.
func (d *drift) orphans() []Diagnostic {
	var out []Diagnostic
	w := d.w
	cfg := d.app.Config
	if cfg.DurableObjectsOpen {
		return nil // any class may be hand-written (CLOUDWERK_CONFIG says why)
	}
	defined := map[string]bool{}
	if d.app.Manifest != nil {
		for _, e := range d.app.Manifest.Entries {
			defined[e.ClassName] = true
		}
	}
	for _, c := range cfg.DurableObjects {
		defined[c.ClassName] = true // hand-written: the user's, never orphaned
	}
	check := func(bs []wrangler.DOBinding, where string) {
		for _, b := range bs {
			if b.Local() && !defined[b.ClassName] {
				out = append(out, Diagnostic{Code: BindingOrphaned, Severity: Warning, Path: w.Path, Range: b.At,
					Message: fmt.Sprintf("binding %s%s points at class %s, which no object file defines; wrangler deploy fails unless the worker exports it", b.Name, where, b.ClassName)})
			}
		}
	}
	check(w.Bindings, "")
	for _, env := range w.Envs {
		check(env.Bindings, " (env."+env.Name+")")
	}
	if w.UsesExports {
		return out
	}
	// New classes that nothing has created yet: candidates for "record rename".
	var fresh []*analysis.Entry
	for _, e := range d.recordable() {
		if d.ledger.Live[e.ClassName] == nil {
			fresh = append(fresh, e)
		}
	}
	for _, name := range d.ledger.LiveNames() {
		if defined[name] {
			continue
		}
		lc := d.ledger.Live[name]
		diag := Diagnostic{Code: OrphanedClass, Severity: Warning, Path: w.Path, Range: lc.At,
			Message: fmt.Sprintf("class %s is alive in the migration ledger (created by %q) but no object defines it; deleting it destroys all its stored data. If it was renamed, record the rename (`cloudwerk-lsp generate --rename %s=New`); delete it only on purpose (`--delete %s`)", name, lc.CreatedBy, name, name)}
		for _, e := range fresh {
			if e.Def.SQLite() == lc.SQLite {
				diag.Fixes = append(diag.Fixes, d.planFix(fmt.Sprintf("Record rename %s → %s (keeps its data)", name, e.ClassName), true,
					codegen.Options{Renames: []codegen.Rename{{From: name, To: e.ClassName}}})...)
				diag.Related = append(diag.Related, Related{Path: e.Path, Range: objectAnchor(e), Message: "new class " + e.ClassName + " may be its new name"})
			}
		}
		diag.Fixes = append(diag.Fixes, d.planFix(fmt.Sprintf("Delete class %s and ALL its data (destructive, cannot be undone)", name), false,
			codegen.Options{Deletes: []string{name}})...)
		out = append(out, diag)
	}
	return out
}
