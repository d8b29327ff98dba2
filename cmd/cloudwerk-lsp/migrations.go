package main

import (
	"fmt"
	"os"
)

// runMigrations is a placeholder until its owner lands it.
func runMigrations(args []string) int {
	fmt.Fprintln(os.Stderr, "cloudwerk-lsp: migrations: not built yet")
	return exitUsage
}
