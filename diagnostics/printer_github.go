// This file defines the GitHub Actions format: workflow commands that annotate
// the pull request, escaped like the Actions toolkit (@actions/core) does.

package diagnostics

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// GitHubPrinter writes one `::error file=...::message` command per finding and
// the summary as a plain line.
type GitHubPrinter struct{}

func (GitHubPrinter) Print(w io.Writer, r *Result) error {
	bw := bufio.NewWriter(w)
	for _, d := range r.Diagnostics {
		cmd := "notice"
		switch d.Severity {
		case Error:
			cmd = "error"
		case Warning:
			cmd = "warning"
		}
		end := d.Range.End
		if end.Offset < d.Range.Start.Offset || end.Line < d.Range.Start.Line {
			end = d.Range.Start
		}
		msg := d.Message
		for _, rel := range d.Related {
			msg += fmt.Sprintf("\n%s:%d:%d: %s", relPath(r.Base, rel.Path), line1(rel.Range.Start.Line), col1(rel.Range.Start.Col16), rel.Message)
		}
		fmt.Fprintf(bw, "::%s file=%s,line=%d,col=%d,endLine=%d,endColumn=%d,title=%s::%s\n", cmd,
			escapeProperty(relPath(r.Base, d.Path)), line1(d.Range.Start.Line), col1(d.Range.Start.Col16),
			line1(end.Line), col1(end.Col16), escapeProperty(string(d.Code)), escapeData(msg))
	}
	fmt.Fprintln(bw, Summary(r))
	return bw.Flush()
}

// escapeData escapes a command's message (toolkit's escapeData).
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a command property value (toolkit's escapeProperty).
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
