// This file defines DUPLICATE_NAME: files that give the same object, class or
// binding name. Every file involved is flagged, independent of scan order.

package diagnostics

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

// DuplicateFindings reports DUPLICATE_NAME for every entry sharing an object,
// class or binding name with another. With names (object names), only entries
// reachable from those names are looked at — the language server passes the
// old and new names of the file that changed. Without names, all entries.
func DuplicateFindings(m *analysis.Manifest, names ...string) []Diagnostic {
	if m == nil {
		return nil
	}
	var candidates []*analysis.Entry
	if len(names) == 0 {
		candidates = m.Entries
	} else {
		seen := map[*analysis.Entry]bool{}
		for _, n := range names {
			groups := [][]*analysis.Entry{m.ByObject.Get(n), m.ByClass.Get(analysis.ObjectNameToClassName(n)), m.ByBinding.Get(analysis.ObjectNameToBindingName(n))}
			for _, g := range groups {
				for _, e := range g {
					if !seen[e] {
						seen[e] = true
						candidates = append(candidates, e)
					}
				}
			}
		}
		sort.Slice(candidates, func(i, j int) bool { return candidates[i].Path < candidates[j].Path })
	}
	var out []Diagnostic
	for _, e := range candidates {
		if d, ok := duplicateOf(m, e); ok {
			out = append(out, d)
		}
	}
	return out
}

func duplicateOf(m *analysis.Manifest, e *analysis.Entry) (Diagnostic, bool) {
	if len(m.ByObject.Get(e.ObjectName)) < 2 && len(m.ByClass.Get(e.ClassName)) < 2 && len(m.ByBinding.Get(e.BindingName)) < 2 {
		return Diagnostic{}, false // the common case, without allocating
	}
	others := map[*analysis.Entry][]string{} // other entry -> which names clash
	note := func(g []*analysis.Entry, what string) {
		for _, o := range g {
			if o != e && !containsStr(others[o], what) {
				others[o] = append(others[o], what)
			}
		}
	}
	note(m.ByObject.Get(e.ObjectName), fmt.Sprintf("object name %q", e.ObjectName))
	note(m.ByClass.Get(e.ClassName), fmt.Sprintf("class %q", e.ClassName))
	note(m.ByBinding.Get(e.BindingName), fmt.Sprintf("binding %q", e.BindingName))
	if len(others) == 0 {
		return Diagnostic{}, false
	}
	list := make([]*analysis.Entry, 0, len(others))
	for o := range others {
		list = append(list, o)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Path < list[j].Path })
	var files []string
	var related []Related
	for _, o := range list {
		files = append(files, filepath.Base(o.Path))
		related = append(related, Related{
			Path: o.Path, Range: entryNameRange(o),
			Message: "also gives " + others[o][0],
		})
	}
	return Diagnostic{
		Code: DuplicateName, Severity: Error, Path: e.Path, Range: entryNameRange(e),
		Message: fmt.Sprintf("duplicate %s: also defined by %s; object, class and binding names must be unique",
			others[list[0]][0], strings.Join(files, ", ")),
		Related: related,
	}, true
}

// entryNameRange is where the entry's name comes from: the explicit `name`
// value, or the default export for a file-derived name.
func entryNameRange(e *analysis.Entry) analysis.Range {
	if e.NameFromConfig && e.Def != nil {
		if f := e.Def.Fields["name"]; f != nil {
			return f.Value
		}
	}
	return fileLevelRange(e.Def)
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
