// This file defines Follow: moving findings computed on one text of a file to
// the file's current text, so findings that are not recomputed on every edit
// still point at the code they were found on.

package diagnostics

import (
	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/textpos"
)

// Follow maps every range in path (the findings' own ranges, related locations
// and fix edits there) from text old to text cur. The two texts are compared by
// their common prefix and suffix, so one edited stretch (as typing produces) is
// mapped exactly: text before it keeps its place and text after it moves with
// the edit. A finding with a range inside the edited stretch cannot be placed
// and is left out; lost reports that, so the caller can recompute it. The input
// is not modified.
func Follow(list []Diagnostic, path, old, cur string) (out []Diagnostic, lost bool) {
	if old == cur || len(list) == 0 {
		return list, false
	}
	prefix := 0
	for prefix < len(old) && prefix < len(cur) && old[prefix] == cur[prefix] {
		prefix++
	}
	suffix := 0
	for suffix < len(old)-prefix && suffix < len(cur)-prefix && old[len(old)-1-suffix] == cur[len(cur)-1-suffix] {
		suffix++
	}
	m := follower{prefix: prefix, oldTail: len(old) - suffix, delta: len(cur) - len(old), idx: textpos.NewLineIndex(cur)}
	out = make([]Diagnostic, 0, len(list))
	for _, d := range list {
		if d.Path != path {
			out = append(out, d)
			continue
		}
		ok := m.move(&d.Range)
		if len(d.Related) > 0 {
			d.Related = append([]Related(nil), d.Related...)
			for i := range d.Related {
				if d.Related[i].Path == path {
					ok = m.move(&d.Related[i].Range) && ok
				}
			}
		}
		if len(d.Fixes) > 0 {
			d.Fixes = append([]Fix(nil), d.Fixes...)
			for i := range d.Fixes {
				f := &d.Fixes[i]
				f.Edits = append([]TextEdit(nil), f.Edits...)
				for j := range f.Edits {
					if f.Edits[j].Path == path {
						ok = m.move(&f.Edits[j].Range) && ok
					}
				}
			}
		}
		if !ok {
			lost = true
			continue
		}
		out = append(out, d)
	}
	return out, lost
}

// follower maps offsets of the old text: [0, prefix) is unchanged, [oldTail,
// end) moved by delta, and what lies between was replaced.
type follower struct {
	prefix, oldTail, delta int
	idx                    *textpos.LineIndex[string]
}

func (m follower) move(r *analysis.Range) bool {
	start, ok1 := m.offset(int(r.Start.Offset), false)
	end, ok2 := m.offset(int(r.End.Offset), true)
	if !ok1 || !ok2 {
		return false
	}
	*r = m.idx.Range(start, max(start, end))
	return true
}

// offset maps one offset. At the edge of a pure insertion a range's start moves
// with the text after it and its end stays with the text before it.
func (m follower) offset(off int, isEnd bool) (int, bool) {
	switch {
	case isEnd && off <= m.prefix:
		return off, true
	case off >= m.oldTail:
		return off + m.delta, true
	case off <= m.prefix:
		return off, true
	}
	return 0, false
}
