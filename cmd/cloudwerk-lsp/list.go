package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

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
	// Status is "ok", "invalid" (an error-level finding in the file: the object
	// throws at load or cannot be built) or "duplicate" (DUPLICATE_NAME).
	Status   string        `json:"status"`
	Findings []findingJSON `json:"findings"`
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
		Methods: []methodSummary{}, Handlers: []string{}, File: displayPath(e.Path), Status: "ok", Findings: []findingJSON{}}
	d := e.Def
	if d == nil || d.Export != analysis.ExportDefine || !d.ConfigIsLiteral {
		return s
	}
	s.StateType = d.StateType
	s.Storage = d.Storage().String()
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
	if s == "sqlite" || s == "kv" {
		return analysis.StorageLabel(s == "sqlite")
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

func runList(args []string) int { return listMain(args, os.Stdout, os.Stderr) }

func listMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: cloudwerk-lsp list [--json] [--format table|json|cloudwerk] [DIR]")
		fs.PrintDefaults()
	}
	asJSON := fs.Bool("json", false, "print JSON (same as --format json)")
	format := fs.String("format", "table", "table, json, or cloudwerk (the manifest `cloudwerk objects list --format json` prints)")
	dir, ok := parseInterspersed(fs, args, 1)
	if !ok {
		return exitUsage
	}
	if *asJSON {
		*format = "json"
	}
	if *format != "table" && *format != "json" && *format != "cloudwerk" {
		fmt.Fprintf(stderr, "cloudwerk-lsp list: unknown --format %q (want table, json or cloudwerk)\n", *format)
		return exitUsage
	}
	apps, err := loadApps(firstOr(dir, ""))
	if err != nil {
		fmt.Fprintln(stderr, "cloudwerk-lsp list:", err)
		return exitUsage
	}
	if *format == "cloudwerk" {
		if len(apps) != 1 {
			fmt.Fprintf(stderr, "cloudwerk-lsp list: --format cloudwerk prints one app's manifest; %d apps found, pass one app's folder\n", len(apps))
			return exitUsage
		}
		return printJSON(stdout, cloudwerkManifest(apps[0], time.Now()))
	}
	type appList struct {
		Root    string          `json:"root"`
		Objects []objectSummary `json:"objects"`
	}
	var out []appList
	for _, app := range apps {
		out = append(out, appList{Root: displayPath(app.Root), Objects: listObjects(app)})
	}
	if *format == "json" {
		return printJSON(stdout, map[string]any{"apps": out})
	}
	for i, l := range out {
		if len(out) > 1 {
			if i > 0 {
				fmt.Fprintln(stdout)
			}
			fmt.Fprintf(stdout, "%s:\n", l.Root)
		}
		printTable(stdout, l.Objects)
	}
	return exitOK
}

// printJSON writes v indented, without HTML escaping.
func printJSON(w io.Writer, v any) int {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return exitUsage
	}
	return exitOK
}

func printTable(w io.Writer, objs []objectSummary) {
	if len(objs) == 0 {
		fmt.Fprintln(w, "No durable objects found.")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tCLASS\tBINDING\tSTORAGE\tMETHODS\tHANDLERS\tSTATUS\tFILE")
	bad := 0
	for _, o := range objs {
		handlers := strings.Join(o.Handlers, ", ")
		if handlers == "" {
			handlers = "-"
		}
		if o.Status != "ok" {
			bad++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", o.Name, o.Class, o.Binding, storageLabel(o.Storage), len(o.Methods), handlers, statusLabel(o), o.File)
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d durable object%s", len(objs), map[bool]string{true: "", false: "s"}[len(objs) == 1])
	if bad > 0 {
		fmt.Fprintf(w, ", %d invalid or duplicate (not bound or migrated by generate; run `cloudwerk-lsp check`)", bad)
	}
	fmt.Fprintln(w)
}

// statusLabel is the STATUS column: "ok", or the status with the codes that make it.
func statusLabel(o objectSummary) string {
	if o.Status == "ok" {
		return "ok"
	}
	var codes []string
	for _, f := range o.Findings {
		if f.Severity == "error" && !slices.Contains(codes, f.Code) {
			codes = append(codes, f.Code)
		}
	}
	return o.Status + " (" + strings.Join(codes, ", ") + ")"
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
