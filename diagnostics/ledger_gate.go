// This file lets generate ask the rules whether an object can be recorded in the
// migration ledger: a migration is permanent, so an object whose definition
// throws at load, or whose storage contradicts what it does, is not recorded.

package diagnostics

import (
	"slices"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/codegen"
)

func init() { codegen.RegisterDefinitionErrors(definitionErrorCodes) }

// blocksLedger are the codes that keep an object out of the ledger and the
// bindings. Each means the class cannot be recorded as a fact: the module throws
// at load (the whole Worker fails to start), the class name is not valid, or
// the storage a migration would fix forever is wrong for the code (SQL in a KV
// class). A bug inside one method body (SQL_API, UNKNOWN_CONTEXT_MEMBER,
// HANDLER_PARAMS) fails only that call; withholding the binding over it would
// break every route that reaches the object.
var blocksLedger = map[Code]bool{
	InvalidName: true, InvalidDefinition: true, NoHandler: true, InvalidConfig: true,
	DefineNotImported: true, SQLWithoutSqlite: true,
}

// definitionErrorCodes returns, in order, the codes of e's error-level findings
// that keep it out of the ledger.
func definitionErrorCodes(app *analysis.App, e *analysis.Entry) []string {
	var codes []string
	for _, d := range ObjectFindings(app, e) {
		if d.Severity == Error && blocksLedger[d.Code] && !slices.Contains(codes, string(d.Code)) {
			codes = append(codes, string(d.Code))
		}
	}
	return codes
}
