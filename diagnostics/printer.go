// This file defines the printer interface of `check` and picks one by format name.

package diagnostics

import (
	"fmt"
	"io"
	"strings"
)

// Printer renders a check result in one output format.
type Printer interface {
	Print(w io.Writer, r *Result) error
}

// Formats are the --format values, the first being the default.
var Formats = []string{"human", "json", "sarif", "github"}

// NewPrinter returns the printer for a --format value.
func NewPrinter(format string) (Printer, error) {
	switch format {
	case "", "human":
		return HumanPrinter{}, nil
	case "json":
		return JSONPrinter{}, nil
	case "sarif":
		return SARIFPrinter{}, nil
	case "github":
		return GitHubPrinter{}, nil
	}
	return nil, fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

// line1 and col1 are the 1-based line and UTF-16 column every output format uses.
func line1(p int32) int { return int(p) + 1 }
func col1(p int32) int  { return int(p) + 1 }
