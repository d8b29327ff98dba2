// This file defines the human format: `path:line:col: severity CODE: message`,
// related places indented below, and a summary line.

package diagnostics

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// HumanPrinter writes one line per finding and a summary.
type HumanPrinter struct{}

func (HumanPrinter) Print(w io.Writer, r *Result) error {
	bw := bufio.NewWriter(w)
	for _, d := range r.Diagnostics {
		fmt.Fprintf(bw, "%s:%d:%d: %s %s: %s\n", terminalSafe(relPath(r.Base, d.Path)),
			line1(d.Range.Start.Line), col1(d.Range.Start.Col16), d.Severity, d.Code, terminalSafe(d.Message))
		for _, rel := range d.Related {
			fmt.Fprintf(bw, "\t%s:%d:%d: %s\n", terminalSafe(relPath(r.Base, rel.Path)),
				line1(rel.Range.Start.Line), col1(rel.Range.Start.Col16), terminalSafe(rel.Message))
		}
	}
	fmt.Fprintln(bw, Summary(r))
	return bw.Flush()
}

// terminalSafe escapes what must not reach a terminal raw (control
// characters, escape sequences, invalid UTF-8: a file name can hold them) the
// way Go quotes strings; everything else is left as it is.
func terminalSafe(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], string(utf8.RuneError)): // an invalid byte
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unicode.IsControl(r):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
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
