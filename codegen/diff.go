// This file defines the unified diff `generate --dry-run` prints for a plan.

package codegen

import (
	"path/filepath"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

// Diff renders changes as one unified diff with paths relative to root
// (a/ and b/ prefixes, /dev/null for created and deleted files, as git does).
func Diff(root string, changes []FileChange) string {
	var b strings.Builder
	for _, c := range changes {
		rel, err := filepath.Rel(root, c.Path)
		if err != nil {
			rel = c.Path
		}
		rel = filepath.ToSlash(rel)
		from, to := "a/"+rel, "b/"+rel
		if !c.Exists {
			from = "/dev/null"
		}
		if c.Delete {
			to = "/dev/null"
		}
		text, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
			A:        splitLines(c.Old),
			B:        splitLines(c.New),
			FromFile: from,
			ToFile:   to,
			Context:  3,
		})
		b.WriteString(text)
	}
	return b.String()
}

// splitLines keeps line endings, and marks a last line without one like diff does.
func splitLines(data []byte) []string {
	if len(data) == 0 {
		return nil
	}
	lines := difflib.SplitLines(string(data))
	// SplitLines appends "\n" to the final piece; undo it for a final newline.
	if strings.HasSuffix(string(data), "\n") {
		return lines[:len(lines)-1]
	}
	last := lines[len(lines)-1]
	lines[len(lines)-1] = strings.TrimSuffix(last, "\n") + "\n\\ No newline at end of file\n"
	return lines
}
