package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/wrangler"
	"github.com/cloudwerk/cloudwerk-lsp/codegen"
)

// migrationJSON is one ledger entry (or the planned one) in `migrations --json`.
type migrationJSON struct {
	Tag              string       `json:"tag"`
	NewSqliteClasses []string     `json:"new_sqlite_classes,omitempty"`
	NewClasses       []string     `json:"new_classes,omitempty"`
	RenamedClasses   []renameJSON `json:"renamed_classes,omitempty"`
	DeletedClasses   []string     `json:"deleted_classes,omitempty"`
}

type renameJSON struct {
	From string `json:"from"`
	To   string `json:"to"`
}

type envMigrationJSON struct {
	Env       string        `json:"env"`
	Migration migrationJSON `json:"migration"`
}

type notRecordedJSON struct {
	Class  string `json:"class"`
	File   string `json:"file"`
	Reason string `json:"reason"`
}

type liveClassJSON struct {
	Class     string `json:"class"`
	Storage   string `json:"storage"` // "sqlite" or "kv"
	CreatedBy string `json:"createdBy"`
	Object    string `json:"object,omitempty"` // the object defining it; empty when orphaned
}

type migrationsReport struct {
	Root         string          `json:"root"`
	WranglerFile string          `json:"wranglerFile,omitempty"` // empty: none yet (generate creates wrangler.toml)
	Format       string          `json:"format,omitempty"`
	UsesExports  bool            `json:"usesExports,omitempty"`
	Migrations   []migrationJSON `json:"migrations"`
	Live         []liveClassJSON `json:"live"`
	Next         *migrationJSON  `json:"next"` // null: nothing to append
	// EnvNext are the entries generate appends to environments with their own ledger.
	EnvNext       []envMigrationJSON `json:"envNext,omitempty"`
	NeedsDecision []string           `json:"needsDecision"`
	// NotRecorded are objects generate leaves out of the ledger and the bindings.
	NotRecorded []notRecordedJSON `json:"notRecorded"`
	Warnings    []string          `json:"warnings"`
	Error       string            `json:"error,omitempty"`
}

func runMigrations(args []string) int { return migrationsMain(args, os.Stdout, os.Stderr) }

func migrationsMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("migrations", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: cloudwerk-lsp migrations [--json] [--rename Old=New]... [--delete Class]... [--allow-kv] [DIR]")
		fs.PrintDefaults()
	}
	asJSON := fs.Bool("json", false, "print JSON")
	var renames, deletes listFlag
	fs.Var(&renames, "rename", "preview recording a class rename `Old=New` (repeatable)")
	fs.Var(&deletes, "delete", "preview deleting `Class` and its data (repeatable)")
	allowKV := fs.Bool("allow-kv", false, "preview creating classes without `sqlite` KV-backed")
	dir, ok := parseInterspersed(fs, args, 1)
	if !ok {
		return exitUsage
	}
	opts := codegen.Options{Deletes: deletes, AllowKV: *allowKV}
	if opts.Renames, ok = parseRenames("migrations", renames, stderr); !ok {
		return exitUsage
	}
	apps, err := loadApps(firstOr(dir, ""))
	if err != nil {
		fmt.Fprintln(stderr, "cloudwerk-lsp migrations:", err)
		return exitUsage
	}
	code := exitOK
	var reports []migrationsReport
	for _, app := range apps {
		r := migrationsOf(app, opts)
		if r.Error != "" {
			code = exitUsage
		}
		reports = append(reports, r)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(map[string]any{"apps": reports}); err != nil {
			return exitUsage
		}
		return code
	}
	for i, r := range reports {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		printMigrations(stdout, r)
		if r.Error != "" {
			fmt.Fprintf(stderr, "cloudwerk-lsp migrations: %s\n", r.Error)
		}
	}
	return code
}

// migrationsOf replays the ledger of app and plans what generate would append.
func migrationsOf(app *analysis.App, opts codegen.Options) migrationsReport {
	r := migrationsReport{Root: displayPath(app.Root), Migrations: []migrationJSON{}, Live: []liveClassJSON{}, NeedsDecision: []string{}, NotRecorded: []notRecordedJSON{}, Warnings: []string{}}
	w := app.Wrangler
	if w != nil {
		r.WranglerFile, r.Format, r.UsesExports = displayPath(w.Path), w.Format.String(), w.UsesExports
		if w.ParseError != nil {
			r.Error = fmt.Sprintf("%s:%d:%d: WRANGLER_CONFIG: %s", r.WranglerFile, w.ParseError.At.Start.Line+1, w.ParseError.At.Start.Col16+1, w.ParseError.Message)
			return r
		}
		for _, m := range w.Migrations {
			j := migrationJSON{Tag: m.Tag, NewSqliteClasses: refNames(m.NewSqliteClasses), NewClasses: refNames(m.NewClasses), DeletedClasses: refNames(m.DeletedClasses)}
			for _, rn := range m.RenamedClasses {
				j.RenamedClasses = append(j.RenamedClasses, renameJSON{From: rn.From, To: rn.To})
			}
			r.Migrations = append(r.Migrations, j)
		}
		ledger := w.Ledger()
		if len(ledger.Errors) > 0 {
			e := ledger.Errors[0]
			r.Error = fmt.Sprintf("%s:%d:%d: LEDGER_INVALID: %s", r.WranglerFile, e.At.Start.Line+1, e.At.Start.Col16+1, e.Message)
			return r
		}
		objects := map[string]string{}
		if app.Manifest != nil {
			for _, e := range app.Manifest.Entries {
				objects[e.ClassName] = e.ObjectName
			}
		}
		for _, c := range app.Config.DurableObjects {
			objects[c.ClassName] = "(hand-written, cloudwerk.config)"
		}
		for _, name := range ledger.LiveNames() {
			lc := ledger.Live[name]
			storage := "kv"
			if lc.SQLite {
				storage = "sqlite"
			}
			r.Live = append(r.Live, liveClassJSON{Class: name, Storage: storage, CreatedBy: lc.CreatedBy, Object: objects[name]})
		}
	}
	plan, err := codegen.PlanWrangler(app, opts)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	if m := plan.Migration; m != nil {
		j := plannedJSON(m)
		r.Next = &j
	}
	for _, em := range plan.EnvMigrations {
		r.EnvNext = append(r.EnvNext, envMigrationJSON{Env: em.Env, Migration: plannedJSON(em.Migration)})
	}
	r.NeedsDecision = append(r.NeedsDecision, plan.NeedsFlag...)
	for _, b := range plan.Blocked {
		r.NotRecorded = append(r.NotRecorded, notRecordedJSON{Class: b.Class, File: displayPath(b.Path), Reason: b.Reason})
	}
	r.Warnings = append(r.Warnings, plan.Warnings...)
	for _, c := range plan.AddedExports {
		r.Warnings = append(r.Warnings, "generate would add an exports entry for "+c)
	}
	return r
}

func plannedJSON(m *codegen.PlannedMigration) migrationJSON {
	j := migrationJSON{Tag: m.Tag, NewSqliteClasses: m.NewSqliteClasses, NewClasses: m.NewClasses, DeletedClasses: m.DeletedClasses}
	for _, rn := range m.RenamedClasses {
		j.RenamedClasses = append(j.RenamedClasses, renameJSON{From: rn.From, To: rn.To})
	}
	return j
}

func refNames(refs []wrangler.ClassRef) []string {
	var out []string
	for _, c := range refs {
		out = append(out, c.Name)
	}
	return out
}

func (m migrationJSON) summary() string {
	var parts []string
	add := func(k string, v []string) {
		if len(v) > 0 {
			parts = append(parts, k+" ["+strings.Join(v, ", ")+"]")
		}
	}
	var rn []string
	for _, r := range m.RenamedClasses {
		rn = append(rn, r.From+" -> "+r.To)
	}
	add("new_sqlite_classes", m.NewSqliteClasses)
	add("new_classes", m.NewClasses)
	add("renamed_classes", rn)
	add("deleted_classes", m.DeletedClasses)
	if len(parts) == 0 {
		return "(empty)"
	}
	return strings.Join(parts, "; ")
}

func printMigrations(w io.Writer, r migrationsReport) {
	if r.WranglerFile == "" {
		fmt.Fprintf(w, "%s: no wrangler file (generate creates wrangler.toml)\n", r.Root)
	} else {
		fmt.Fprintf(w, "%s (%s)\n", r.WranglerFile, r.Format)
	}
	if r.Error != "" {
		return
	}
	fmt.Fprintln(w, "\nLedger:")
	if len(r.Migrations) == 0 {
		fmt.Fprintln(w, "  (no migrations)")
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, m := range r.Migrations {
		fmt.Fprintf(tw, "  %s\t%s\n", m.Tag, m.summary())
	}
	tw.Flush()
	fmt.Fprintln(w, "\nLive classes:")
	if len(r.Live) == 0 {
		fmt.Fprintln(w, "  (none)")
	} else {
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  CLASS\tSTORAGE\tCREATED BY\tOBJECT")
		for _, l := range r.Live {
			obj := l.Object
			if obj == "" {
				obj = "(no definition: orphaned, data kept)"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", l.Class, l.Storage, l.CreatedBy, obj)
		}
		tw.Flush()
	}
	fmt.Fprintln(w, "\nNext generate appends:")
	if r.Next == nil {
		fmt.Fprintln(w, "  nothing to append")
	} else {
		fmt.Fprintf(w, "  %s  %s\n", r.Next.Tag, r.Next.summary())
	}
	for _, em := range r.EnvNext {
		fmt.Fprintf(w, "  %s  %s  (env.%s's own ledger)\n", em.Migration.Tag, em.Migration.summary(), em.Env)
	}
	for _, b := range r.NotRecorded {
		fmt.Fprintf(w, "\nnot recorded: %s (%s): %s\n", b.Class, b.File, b.Reason)
	}
	for _, n := range r.NeedsDecision {
		fmt.Fprintf(w, "\nneeds a decision: %s\n", n)
	}
	for _, n := range r.Warnings {
		fmt.Fprintf(w, "\nwarning: %s\n", n)
	}
}
