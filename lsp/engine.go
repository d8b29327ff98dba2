// This file defines the server's calls into the engine that need more than a
// direct call: finding and loading apps without failing the server, and telling
// whether a path is an object file of an app.

package lsp

import (
	"path/filepath"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
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
func loadApp(root string, overlay analysis.Overlay) *analysis.App {
	app, err := analysis.LoadAppOverlay(root, overlay)
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
