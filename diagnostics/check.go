// This file defines RunCheck: `cloudwerk-lsp check` as a library call. It finds
// the apps below each folder, loads and analyses them with the same pipeline as
// the language server, and returns one Result the printers render.

package diagnostics

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

// ErrNoApps is returned when none of the folders holds a Cloudwerk app.
var ErrNoApps = errors.New("no Cloudwerk app found (looked for cloudwerk.config.* or app/objects/)")

// AppSummary is one checked app.
type AppSummary struct {
	Root    string // absolute
	Objects int
	Files   int
}

// Result is the outcome of a check over one or more apps.
type Result struct {
	Base        string // paths below Base are printed relative to it (the working directory)
	Apps        []AppSummary
	Diagnostics []Diagnostic // sorted by path, line, column, code
	Files       int          // files checked: objects, nested candidates, routes, configs
	Objects     int
}

// Count is the number of diagnostics of severity s.
func (r *Result) Count(s Severity) int {
	n := 0
	for _, d := range r.Diagnostics {
		if d.Severity == s {
			n++
		}
	}
	return n
}

// Failed reports findings at or above the threshold: errors, or also warnings
// with failOnWarnings.
func (r *Result) Failed(failOnWarnings bool) bool {
	return r.Count(Error) > 0 || (failOnWarnings && r.Count(Warning) > 0)
}

// RunCheck checks every app at or below dirs (the working directory when none).
// An error means the check could not run (missing folder, no app); findings are
// in the Result.
func RunCheck(dirs []string, opts Options) (*Result, error) {
	if len(dirs) == 0 {
		dirs = []string{"."}
	}
	base, _ := os.Getwd()
	roots, err := analysis.FindApps(dirs...)
	if err != nil {
		return nil, err
	}
	if len(roots) == 0 {
		return nil, fmt.Errorf("%w in %s", ErrNoApps, strings.Join(dirs, ", "))
	}
	res := &Result{Base: base, Diagnostics: []Diagnostic{}}
	for i, root := range roots {
		if opts.Progress != nil {
			opts.Progress(i+1, len(roots), root)
		}
		// The per-file object rules run in the extraction workers (slim.go).
		app, err := analysis.LoadAppWith(root, analysis.LoadOptions{Slim: SlimDefinition})
		if err != nil {
			return nil, err
		}
		for _, d := range Analyze(app, opts) {
			if !d.Mirror {
				res.Diagnostics = append(res.Diagnostics, d)
			}
		}
		sum := AppSummary{Root: app.Root, Files: filesOf(app)}
		if app.Manifest != nil {
			sum.Objects = len(app.Manifest.Entries)
		}
		res.Apps = append(res.Apps, sum)
		res.Files += sum.Files
		res.Objects += sum.Objects
	}
	Sort(res.Diagnostics)
	return res, nil
}

// filesOf counts the files a check of app looked at.
func filesOf(app *analysis.App) int {
	n := len(app.Nested) + len(app.Routes) + len(app.FileErrors)
	if app.Manifest != nil {
		n += len(app.Manifest.Entries)
	}
	if app.Config.File != "" {
		n++
	}
	if app.Wrangler != nil {
		n++
	}
	return n
}

// relPath shows p relative to base when it lies below base, else unchanged;
// always with forward slashes.
func relPath(base, p string) string {
	if base != "" {
		if r, err := filepath.Rel(base, p); err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) {
			return filepath.ToSlash(r)
		}
	}
	return filepath.ToSlash(p)
}
