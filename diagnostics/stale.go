// This file defines GENERATED_STALE (placeholder; owner: codegen).
package diagnostics

import "github.com/cloudwerk/cloudwerk-lsp/analysis"

// generatedFindings reports generated files that differ from what generate would write now.
func generatedFindings(app *analysis.App) []Diagnostic { return nil }
