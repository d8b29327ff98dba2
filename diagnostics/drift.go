// This file defines the wrangler drift rules (placeholder; owner: wrangler).
package diagnostics

import "github.com/cloudwerk/cloudwerk-lsp/analysis"

// wranglerFindings compares the app's wrangler config with its manifest.
func wranglerFindings(app *analysis.App) []Diagnostic { return nil }
