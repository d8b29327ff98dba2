// This file lets generate ask the rules whether an object can be recorded in the
// migration ledger: a definition with an error-level finding throws at load or
// runs wrong, and a migration is permanent.

package diagnostics

import (
	"slices"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/codegen"
)

func init() { codegen.RegisterDefinitionErrors(definitionErrorCodes) }

// definitionErrorCodes returns the codes of e's error-level findings, in order.
func definitionErrorCodes(app *analysis.App, e *analysis.Entry) []string {
	var codes []string
	for _, d := range ObjectFindings(app, e) {
		if d.Severity == Error && !slices.Contains(codes, string(d.Code)) {
			codes = append(codes, string(d.Code))
		}
	}
	return codes
}
