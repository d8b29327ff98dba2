// This file defines the app-level findings: nested object files that will not be
// discovered, unreadable files and cloudwerk config values that are not literals.

package diagnostics

import (
	"fmt"
	"path/filepath"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

// AppFindings returns NESTED_FILE, FILE_UNREADABLE and CLOUDWERK_CONFIG findings.
func AppFindings(app *analysis.App) []Diagnostic {
	if app == nil {
		return nil
	}
	var out []Diagnostic
	for _, p := range app.Nested {
		rel := p
		if r, err := filepath.Rel(app.ObjectsDir, p); err == nil {
			rel = filepath.ToSlash(r)
		}
		d := Diagnostic{
			Code: NestedFile, Severity: Warning, Path: p,
			Message: fmt.Sprintf("objects/%s is in a subfolder: Cloudwerk only discovers direct children of %s/objects/, so this durable object does not exist at runtime",
				rel, app.Config.AppDir),
		}
		to := filepath.Join(app.ObjectsDir, filepath.Base(p))
		if !exists(app, to) {
			d.Fixes = []Fix{{Title: "Move to objects/" + filepath.Base(p), Renames: []FileRename{{From: p, To: to}}}}
		}
		out = append(out, d)
	}
	for _, fe := range app.FileErrors {
		out = append(out, Diagnostic{
			Code: FileUnreadable, Severity: Error, Path: fe.Path,
			Message: "cannot read file: " + fe.Err,
		})
	}
	for _, is := range app.Config.Issues {
		out = append(out, Diagnostic{
			Code: CloudwerkConfig, Severity: Warning, Path: app.Config.File, Range: is.At,
			Message: is.Message,
		})
	}
	return out
}

func exists(app *analysis.App, path string) bool {
	return app.Manifest.Lookup(path) != nil
}
