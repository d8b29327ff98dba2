package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

func runInfo(args []string) int {
	fs := flag.NewFlagSet("info", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: cloudwerk-lsp info [--json] NAME [DIR]  (NAME: object, class, binding or file name)")
	}
	asJSON := fs.Bool("json", false, "print JSON")
	pos, ok := parseInterspersed(fs, args, 2)
	if !ok {
		return exitUsage
	}
	if len(pos) == 0 {
		fs.Usage()
		return exitUsage
	}
	name := pos[0]
	apps, err := loadApps(firstOr(pos[1:], ""))
	if err != nil {
		fmt.Fprintln(os.Stderr, "cloudwerk-lsp info:", err)
		return exitUsage
	}
	app, e := findObject(apps, name)
	if e == nil {
		fmt.Fprintf(os.Stderr, "cloudwerk-lsp info: no durable object named %q\n", name)
		var names []string
		for _, a := range apps {
			if a.Manifest != nil {
				for _, x := range a.Manifest.Entries {
					names = append(names, x.ObjectName)
				}
			}
		}
		if len(names) > 0 {
			fmt.Fprintf(os.Stderr, "available: %s\n", strings.Join(names, ", "))
		}
		return exitFindings
	}
	s := summarize(e)
	declared, mig := wranglerStatus(app, e, s.Storage)
	s.BindingDeclared, s.Migration = declared, &mig
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if enc.Encode(s) != nil {
			return exitUsage
		}
		return exitOK
	}
	printInfo(s)
	return exitOK
}

// findObject matches name against object, class, binding and file names.
func findObject(apps []*analysis.App, name string) (*analysis.App, *analysis.Entry) {
	for _, app := range apps {
		if app.Manifest == nil {
			continue
		}
		for _, e := range app.Manifest.Entries {
			if name == e.ObjectName || name == e.ClassName || name == e.BindingName || name == e.FileName || name == filepath.Base(e.Path) {
				return app, e
			}
		}
	}
	return nil, nil
}

// wranglerStatus says whether the wrangler config binds the object and whether
// a migration (or an exports entry) creates its class.
func wranglerStatus(app *analysis.App, e *analysis.Entry, storage string) (*bool, migrationState) {
	w := app.Wrangler
	if w == nil {
		return nil, migrationState{Status: "no-wrangler", Message: "no wrangler file; `cloudwerk-lsp generate` creates wrangler.toml"}
	}
	if !w.Parsed() {
		return nil, migrationState{Status: "unreadable", Message: displayPath(w.Path) + " does not parse"}
	}
	declared := false
	for _, b := range w.Bindings {
		if b.Name == e.BindingName && b.ClassName == e.ClassName {
			declared = true
		}
	}
	want := "new_classes (KV)"
	if storage == "sqlite" {
		want = "new_sqlite_classes"
	}
	if w.UsesExports {
		for _, x := range w.Exports {
			if x.Class == e.ClassName {
				return &declared, migrationState{Status: "created", SQLite: x.Storage == "sqlite", Message: "declared in exports (storage " + x.Storage + ")"}
			}
		}
		return &declared, migrationState{Status: "not-migrated", Message: "no exports entry yet; `cloudwerk-lsp generate` adds one"}
	}
	ledger := w.Ledger()
	if live := ledger.Live[e.ClassName]; live != nil {
		return &declared, migrationState{Status: "created", Tag: live.CreatedBy, SQLite: live.SQLite,
			Message: fmt.Sprintf("created by migration %s (%s)", live.CreatedBy, analysis.StorageLabel(live.SQLite))}
	}
	return &declared, migrationState{Status: "not-migrated",
		Message: "not created by any migration yet; `cloudwerk-lsp generate` appends " + want}
}

func printInfo(s objectSummary) {
	fmt.Println(s.Name)
	row := func(k, v string) { fmt.Printf("  %-10s %s\n", k+":", v) }
	row("Class", s.Class)
	binding := s.Binding
	if s.BindingDeclared != nil {
		if *s.BindingDeclared {
			binding += " (declared in wrangler config)"
		} else {
			binding += " (missing from wrangler config)"
		}
	}
	row("Binding", binding)
	row("Storage", storageLabel(s.Storage))
	if s.StateType != "" {
		row("State", s.StateType)
	}
	row("File", s.File)
	if s.Migration != nil {
		row("Migration", s.Migration.Message)
	}
	handlers := strings.Join(s.Handlers, ", ")
	if handlers == "" {
		handlers = "none"
	}
	row("Handlers", handlers)
	fmt.Printf("  Methods (%d):\n", len(s.Methods))
	for _, m := range s.Methods {
		fmt.Printf("    %s\n", m.Signature)
	}
}
