package main

import (
	"fmt"
	"os"
)

// runInfo is a placeholder until its owner lands it.
func runInfo(args []string) int {
	fmt.Fprintln(os.Stderr, "cloudwerk-lsp: info: not built yet")
	return exitUsage
}
