// This file defines ENTRY_EXPORT_MISSING: wrangler refuses a bundle whose entry
// (`main`) does not export a class that a local durable-object binding names
// ("Your Worker depends on the following Durable Objects, which are not exported
// in your entrypoint file"). Checked when `main` is a source file of the
// workspace; the quick fix re-exports the generated classes.

package diagnostics

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/wrangler"
)

// entryFindings reports the classes the entry must export and does not.
func (d *drift) entryFindings() []Diagnostic {
	entry, w := d.app.Entry, d.w
	if entry == nil || !entry.Source || entry.Open {
		return nil
	}
	generated := map[string]bool{}
	for _, e := range d.recordable() {
		generated[e.ClassName] = true
	}
	// Every class a local binding names (top level and environments), and every
	// class generate binds.
	need := map[string]bool{}
	for c := range generated {
		need[c] = true
	}
	for _, names := range bindingLists(w) {
		for _, c := range names {
			need[c] = true
		}
	}
	var missing []string
	for c := range need {
		if entry.Generated && generated[c] || entry.ExportsName(c) {
			continue
		}
		missing = append(missing, c)
	}
	if len(missing) == 0 {
		return nil
	}
	slices.Sort(missing)
	rel := filepath.ToSlash(relPath(d.app.Root, entry.Path))
	msg := fmt.Sprintf("the Worker entry %s does not export %s: wrangler refuses to deploy (\"Your Worker depends on the following Durable Objects, which are not exported in your entrypoint file: %s\")",
		rel, classWord(len(missing))+" "+strings.Join(missing, ", "), strings.Join(missing, ", "))
	mainAt := analysis.Range{}
	if l, ok := w.Doc.Loc("main"); ok {
		mainAt = w.Doc.Range(l.Value)
	}
	diag := Diagnostic{Code: EntryExportMissing, Severity: Error, Path: entry.Path,
		Range:   analysis.Range{Start: entry.InsertAt, End: entry.InsertAt},
		Related: []Related{{Path: w.Path, Range: mainAt, Message: "main"}}, Message: msg}
	if slices.ContainsFunc(missing, func(c string) bool { return generated[c] }) && !entry.Generated {
		spec, err := filepath.Rel(filepath.Dir(entry.Path), filepath.Join(d.app.Root, analysis.GeneratedObjectsDir))
		if err != nil {
			spec = filepath.Join(d.app.Root, analysis.GeneratedObjectsDir)
		}
		spec = filepath.ToSlash(spec)
		if !strings.HasPrefix(spec, "../") {
			spec = "./" + spec
		}
		diag.Fixes = []Fix{{Title: "Re-export the generated classes (export * from '" + spec + "')", Preferred: true,
			Edits: []TextEdit{{Path: entry.Path, Range: analysis.Range{Start: entry.InsertAt, End: entry.InsertAt}, NewText: "export * from '" + spec + "'\n"}}}}
	}
	mirror := diag
	mirror.Path, mirror.Range, mirror.Mirror = w.Path, mainAt, true
	mirror.Related = []Related{{Path: entry.Path, Range: diag.Range, Message: "the Worker entry"}}
	return []Diagnostic{diag, mirror}
}

// bindingLists returns the class names of the local bindings of w, per array.
func bindingLists(w *wrangler.Config) [][]string {
	var out [][]string
	add := func(bs []wrangler.DOBinding) {
		var names []string
		for _, b := range bs {
			if b.Local() {
				names = append(names, b.ClassName)
			}
		}
		out = append(out, names)
	}
	add(w.Bindings)
	for _, env := range w.Envs {
		add(env.Bindings)
	}
	return out
}

func classWord(n int) string {
	if n == 1 {
		return "durable-object class"
	}
	return "durable-object classes"
}
