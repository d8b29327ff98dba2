// This file defines workspace/executeCommand and the commands the server offers.
package lsp

// commandNames are the commands executeCommand accepts.
func commandNames() []string { return []string{} }
