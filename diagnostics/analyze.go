// This file defines Analyze: every rule over one app, with severity overrides and
// a deterministic order. `check` and the language server share it.

package diagnostics

import (
	"sort"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

// Options tune a run of the rules.
type Options struct {
	// Severity overrides the severity per code; a zero Severity turns the code off.
	Severity map[Code]Severity

	// Progress, when set, is told before each app of a check is loaded (i of n).
	Progress func(i, n int, root string)
}

// Analyze runs every rule of the catalog over app: the PerFile rules over each
// object and route file, then the WholeApp rules.
func Analyze(app *analysis.App, opts Options) []Diagnostic {
	if app == nil {
		return nil
	}
	var out []Diagnostic
	if app.Manifest != nil {
		for _, e := range app.Manifest.Entries {
			out = append(out, FileFindings(app, e, nil)...)
		}
	}
	for _, rf := range app.Routes {
		out = append(out, FileFindings(app, nil, rf)...)
	}
	out = append(out, WholeAppFindings(app)...)
	out = ApplySeverity(out, opts.Severity)
	Sort(out)
	return out
}

// ApplySeverity rewrites severities per code and drops codes set to 0 (off).
// It reuses diags' backing array.
func ApplySeverity(diags []Diagnostic, overrides map[Code]Severity) []Diagnostic {
	if len(overrides) == 0 {
		return diags
	}
	kept := diags[:0]
	for _, d := range diags {
		if s, ok := overrides[d.Code]; ok {
			if s == 0 {
				continue
			}
			d.Severity = s
		}
		kept = append(kept, d)
	}
	return kept
}

// Sort orders diagnostics by path, line, column, code, then message.
func Sort(diags []Diagnostic) {
	sort.SliceStable(diags, func(i, j int) bool {
		a, b := &diags[i], &diags[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Range.Start.Line != b.Range.Start.Line {
			return a.Range.Start.Line < b.Range.Start.Line
		}
		if a.Range.Start.Col16 != b.Range.Start.Col16 {
			return a.Range.Start.Col16 < b.Range.Start.Col16
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return a.Message < b.Message
	})
}
