package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

// objectSummary is one row of `list` and the body of `info` (also their JSON).
type objectSummary struct {
	Name      string          `json:"name"`
	Class     string          `json:"className"`
	Binding   string          `json:"bindingName"`
	Storage   string          `json:"storage"` // "sqlite", "kv" or "unknown"
	StateType string          `json:"stateType,omitempty"`
	Methods   []methodSummary `json:"methods"`
	Handlers  []string        `json:"handlers"`
	File      string          `json:"file"`
	// Filled by info only.
	BindingDeclared *bool           `json:"bindingDeclared,omitempty"`
	Migration       *migrationState `json:"migration,omitempty"`
}

type methodSummary struct {
	Name      string `json:"name"`
	Signature string `json:"signature"`
}

type migrationState struct {
	Status  string `json:"status"` // "created", "not-migrated", "no-wrangler", "unreadable"
	Tag     string `json:"tag,omitempty"`
	SQLite  bool   `json:"sqlite,omitempty"`
	Message string `json:"message"`
}

var handlerKeys = []string{"fetch", "alarm", "webSocketMessage", "webSocketClose", "webSocketError"}

// loadApps loads every app at or below dir (the working directory when "").
func loadApps(dir string) ([]*analysis.App, error) {
	if dir == "" {
		dir = "."
	}
	roots, err := analysis.FindApps(dir)
	if err != nil {
		return nil, err
	}
	if len(roots) == 0 {
		return nil, errors.New("no Cloudwerk app found in " + dir + " (looked for cloudwerk.config.* or app/objects/)")
	}
	var apps []*analysis.App
	for _, r := range roots {
		app, err := analysis.LoadApp(r)
		if err != nil {
			return nil, err
		}
		apps = append(apps, app)
	}
	return apps, nil
}

func summarize(e *analysis.Entry) objectSummary {
	s := objectSummary{Name: e.ObjectName, Class: e.ClassName, Binding: e.BindingName, Storage: "unknown",
		Methods: []methodSummary{}, Handlers: []string{}, File: displayPath(e.Path)}
	d := e.Def
	if d == nil || d.Export != analysis.ExportDefine || !d.ConfigIsLiteral {
		return s
	}
	s.StateType = d.StateType
	switch {
	case d.SQLite():
		s.Storage = "sqlite"
	case d.StorageKnown():
		s.Storage = "kv"
	}
	for _, h := range handlerKeys {
		if d.Has(h) {
			s.Handlers = append(s.Handlers, h)
		}
	}
	for _, m := range d.Methods {
		s.Methods = append(s.Methods, methodSummary{Name: m.Name, Signature: m.Signature().String()})
	}
	return s
}

func storageLabel(s string) string {
	switch s {
	case "sqlite":
		return "SQLite"
	case "kv":
		return "KV"
	}
	return "?"
}

// displayPath is p relative to the working directory when below it.
func displayPath(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(r, "..") {
			return filepath.ToSlash(r)
		}
	}
	return filepath.ToSlash(p)
}

func runList(args []string) int {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprintln(fs.Output(), "usage: cloudwerk-lsp list [--json] [DIR]") }
	asJSON := fs.Bool("json", false, "print JSON")
	dir, ok := parseInterspersed(fs, args, 1)
	if !ok {
		return exitUsage
	}
	apps, err := loadApps(firstOr(dir, ""))
	if err != nil {
		fmt.Fprintln(os.Stderr, "cloudwerk-lsp list:", err)
		return exitUsage
	}
	type appList struct {
		Root    string          `json:"root"`
		Objects []objectSummary `json:"objects"`
	}
	var out []appList
	for _, app := range apps {
		l := appList{Root: displayPath(app.Root), Objects: []objectSummary{}}
		if app.Manifest != nil {
			for _, e := range app.Manifest.Entries {
				l.Objects = append(l.Objects, summarize(e))
			}
		}
		out = append(out, l)
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(map[string]any{"apps": out}); err != nil {
			return exitUsage
		}
		return exitOK
	}
	for i, l := range out {
		if len(out) > 1 {
			if i > 0 {
				fmt.Println()
			}
			fmt.Printf("%s:\n", l.Root)
		}
		printTable(os.Stdout, l.Objects)
	}
	return exitOK
}

func printTable(w io.Writer, objs []objectSummary) {
	if len(objs) == 0 {
		fmt.Fprintln(w, "No durable objects found.")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tCLASS\tBINDING\tSTORAGE\tMETHODS\tHANDLERS\tFILE")
	for _, o := range objs {
		handlers := strings.Join(o.Handlers, ", ")
		if handlers == "" {
			handlers = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", o.Name, o.Class, o.Binding, storageLabel(o.Storage), len(o.Methods), handlers, o.File)
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d durable object%s\n", len(objs), map[bool]string{true: "", false: "s"}[len(objs) == 1])
}

// parseInterspersed parses flags that may follow positional arguments
// (`list DIR --json`) and returns at most max positionals.
func parseInterspersed(fs *flag.FlagSet, args []string, max int) ([]string, bool) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, false
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if len(pos) > max {
		fmt.Fprintf(fs.Output(), "cloudwerk-lsp %s: too many arguments\n", fs.Name())
		fs.Usage()
		return nil, false
	}
	return pos, true
}

func firstOr(list []string, def string) string {
	if len(list) > 0 {
		return list[0]
	}
	return def
}
