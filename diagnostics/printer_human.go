// This file defines the human format: `path:line:col: severity CODE: message`,
// related places indented below, and a summary line.

package diagnostics

import (
	"bufio"
	"fmt"
	"io"
)

// HumanPrinter writes one line per finding and a summary.
type HumanPrinter struct{}

func (HumanPrinter) Print(w io.Writer, r *Result) error {
	bw := bufio.NewWriter(w)
	for _, d := range r.Diagnostics {
		fmt.Fprintf(bw, "%s:%d:%d: %s %s: %s\n", relPath(r.Base, d.Path),
			line1(d.Range.Start.Line), col1(d.Range.Start.Col16), d.Severity, d.Code, d.Message)
		for _, rel := range d.Related {
			fmt.Fprintf(bw, "\t%s:%d:%d: %s\n", relPath(r.Base, rel.Path),
				line1(rel.Range.Start.Line), col1(rel.Range.Start.Col16), rel.Message)
		}
	}
	fmt.Fprintln(bw, Summary(r))
	return bw.Flush()
}

// Summary is the closing line: `N errors, N warnings, N infos in N files (N objects)`.
func Summary(r *Result) string {
	s := fmt.Sprintf("%s, %s, %s", Plural(r.Count(Error), "error"), Plural(r.Count(Warning), "warning"), Plural(r.Count(Info), "info"))
	if h := r.Count(Hint); h > 0 {
		s += ", " + Plural(h, "hint")
	}
	return fmt.Sprintf("%s in %s (%s)", s, Plural(r.Files, "file"), Plural(r.Objects, "object"))
}

// Plural is "1 word" or "n words"; the printers and the server count alike.
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
