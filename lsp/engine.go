// This file defines the server's calls into the engine that need more than a
// direct call: finding and loading apps without failing the server, and telling
// whether a path is an object file of an app.

package lsp

import (
	"path/filepath"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/diagnostics"
)

// scanDirBudget bounds the folders the search for apps visits per workspace
// folder: a client that opens a huge tree (a home folder) gets the apps found
// within it and a message, not a walk of every disk.
var scanDirBudget = 20000

// findApps returns the roots of the Cloudwerk apps inside folder, and whether
// the search stopped at scanDirBudget.
func findApps(folder string) ([]string, bool) {
	roots, truncated, err := analysis.FindAppsBounded(scanDirBudget, folder)
	if err != nil {
		return nil, false
	}
	return roots, truncated
}

// loadApp reads one app from disk; nil when root is not a readable folder.
//
// Every object's definition is slimmed (diagnostics.SlimDefinition): its
// per-file findings are computed now and filed in it, and the context and
// parameter uses only those rules read are dropped, about a third of what the
// server holds per object. The extraction workers slim what they extract; the
// definitions that came from the on-disk cache are slimmed here. An open
// document's definition comes from its buffer, whole.
func loadApp(root string, overlay analysis.Overlay) *analysis.App {
	app, err := analysis.LoadAppWith(root, analysis.LoadOptions{Overlay: overlay, Slim: diagnostics.SlimDefinition})
	if err != nil {
		return nil
	}
	if app.Manifest == nil {
		app.Manifest = analysis.BuildManifest(nil)
	}
	for _, e := range app.Manifest.Entries {
		e.Def = diagnostics.SlimDefinition(e) // not shared yet
	}
	return app
}

// isObjectFile reports whether path is discovered as an object file of app.
func isObjectFile(app *analysis.App, path string) bool {
	return filepath.Dir(path) == app.ObjectsDir && analysis.IsObjectFileName(filepath.Base(path), app.Config.Extensions)
}
