package main

import (
	"fmt"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

func runVersion([]string) int {
	fmt.Println("cloudwerk-lsp", analysis.Version)
	return exitOK
}
