// This file defines the server's one boundary with the engine (analysis,
// diagnostics, codegen): every call the server makes into it goes through here,
// so `check` and the server run the same rule functions.

package lsp

import (
	"path/filepath"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/diagnostics"
)

// findApps returns the roots of the Cloudwerk apps inside folder.
func findApps(folder string) []string {
	roots, err := analysis.FindApps(folder)
	if err != nil {
		return nil
	}
	return roots
}

func isAppRoot(dir string) bool { return analysis.IsAppRoot(dir) }

// loadApp reads one app from disk; nil when root is not a readable folder.
func loadApp(root string) *analysis.App {
	app, err := analysis.LoadApp(root)
	if err != nil {
		return nil
	}
	if app.Manifest == nil {
		app.Manifest = analysis.BuildManifest(nil)
	}
	return app
}

// isObjectFile reports whether path is discovered as an object file of app.
func isObjectFile(app *analysis.App, path string) bool {
	return filepath.Dir(path) == app.ObjectsDir && analysis.IsObjectFileName(filepath.Base(path), app.Config.Extensions)
}

// newEntry derives the convention's names for one object file.
func newEntry(path string, def *analysis.Definition) *analysis.Entry {
	return analysis.NewEntry(path, def)
}

// extractObject summarises one object file's content.
func extractObject(path string, src []byte) *analysis.Definition {
	return analysis.ExtractDefinition(path, src)
}

// newDocument starts the engine's incremental parse of an open document.
func newDocument(path, text string) *analysis.Document {
	return analysis.NewDocument(path, []byte(text))
}

// extractRoute summarises one route file's content (nil when it references no objects).
func extractRoute(path string, src []byte) *analysis.RouteFile {
	return analysis.ExtractRoute(path, src)
}

func manifestWith(m *analysis.Manifest, e *analysis.Entry) *analysis.Manifest { return m.With(e) }

func manifestWithout(m *analysis.Manifest, path string) *analysis.Manifest { return m.Without(path) }

// analyzeApp runs every rule over one app: the same pass `check` runs.
func analyzeApp(app *analysis.App, opts diagnostics.Options) []diagnostics.Diagnostic {
	return diagnostics.Analyze(app, opts)
}
