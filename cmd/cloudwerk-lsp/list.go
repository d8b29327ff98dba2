package main

import (
	"fmt"
	"os"
)

// runList is a placeholder until its owner lands it.
func runList(args []string) int {
	fmt.Fprintln(os.Stderr, "cloudwerk-lsp: list: not built yet")
	return exitUsage
}
