package main

import (
	"fmt"
	"os"
)

// runGenerate is a placeholder until its owner lands it.
func runGenerate(args []string) int {
	fmt.Fprintln(os.Stderr, "cloudwerk-lsp: generate: not built yet")
	return exitUsage
}
