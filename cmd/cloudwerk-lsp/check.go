package main

import (
	"fmt"
	"os"
)

// runCheck is a placeholder until its owner lands it.
func runCheck(args []string) int {
	fmt.Fprintln(os.Stderr, "cloudwerk-lsp: check: not built yet")
	return exitUsage
}
