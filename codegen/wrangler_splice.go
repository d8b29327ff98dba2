// This file defines byte splices over a wrangler file and the array/object
// editing shared by TOML and JSONC: elements are removed or appended in place so
// that everything outside the edited array keeps its bytes.

package codegen

import (
	"sort"
	"strings"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/textpos"
)

// splice replaces [start, end) with text.
type splice struct {
	start, end int
	text       string
	// late marks text that opens new TOML sections: at the same offset it goes after
	// text that continues the section before it (keys appended to that section).
	late bool
}

// applySplices applies non-overlapping splices to data.
func applySplices(data []byte, ss []splice) []byte {
	sort.SliceStable(ss, func(i, j int) bool {
		if ss[i].start != ss[j].start {
			return ss[i].start < ss[j].start
		}
		if ss[i].late != ss[j].late {
			return !ss[i].late
		}
		return ss[i].end < ss[j].end
	})
	var b strings.Builder
	pos := 0
	for _, s := range ss {
		if s.start < pos {
			s.start = pos // overlapping splices are a bug in the caller; never duplicate bytes
		}
		b.Write(data[pos:s.start])
		b.WriteString(s.text)
		if s.end > pos {
			pos = s.end
		}
	}
	b.Write(data[pos:])
	return []byte(b.String())
}

// arrayEdit removes elements of an existing array and appends new ones.
type arrayEdit struct {
	data   []byte
	value  textpos.Span   // the array, `[` .. `]`
	elems  []textpos.Span // its elements
	remove map[int]bool
	add    []string // rendered elements
	nl     string
}

// splices returns the edits for the array; every byte outside value is untouched.
func (a arrayEdit) splices() []splice {
	var out []splice
	n := len(a.elems)
	lastKept := -1
	for i := 0; i < n; i++ {
		if !a.remove[i] {
			lastKept = i
		}
	}
	if lastKept < 0 {
		// Nothing survives: rewrite the inside of the brackets.
		inner := textpos.Span{Start: a.value.Start + 1, End: a.value.End - 1}
		if len(a.add) == 0 && n == 0 {
			return nil
		}
		return []splice{{start: inner.Start, end: inner.End, text: a.renderFresh(inner)}}
	}
	// Runs of removed elements before a kept one: cut from the run's start to the next element.
	for i := 0; i < n; {
		if !a.remove[i] {
			i++
			continue
		}
		j := i
		for j+1 < n && a.remove[j+1] {
			j++
		}
		if j+1 < n {
			out = append(out, splice{start: a.elems[i].Start, end: a.elems[j+1].Start, text: ""})
		}
		i = j + 1
	}
	// The tail after the last kept element: removed elements go, new ones come.
	tailStart := a.elems[lastKept].End
	tailEnd := tailStart
	if lastKept < n-1 {
		tailEnd = a.elems[n-1].End
	}
	text := ""
	if len(a.add) > 0 {
		sep, indent := ", ", ""
		if a.multiline() {
			indent = lineIndent(a.data, a.elems[lastKept].Start)
			sep = "," + a.nl + indent
			if next, ok := afterTrailingComma(a.data, tailStart); ok && tailEnd == tailStart {
				// `elem, # note` / `elem, // note`: the new lines go below, the note stays with its element.
				return append(out, splice{start: next, end: next, text: indent + strings.Join(a.add, sep) + "," + a.nl})
			}
		}
		text = sep + strings.Join(a.add, sep)
	}
	if text != "" || tailEnd > tailStart {
		out = append(out, splice{start: tailStart, end: tailEnd, text: text})
	}
	return out
}

func (a arrayEdit) multiline() bool {
	return strings.Contains(string(a.data[a.value.Start:a.value.End]), "\n")
}

// renderFresh renders the inside of an array whose elements all go.
func (a arrayEdit) renderFresh(inner textpos.Span) string {
	if len(a.add) == 0 {
		return ""
	}
	if !a.multiline() {
		return strings.Join(a.add, ", ")
	}
	closeIndent := lineIndent(a.data, a.value.End-1)
	indent := closeIndent + "  "
	return a.nl + indent + strings.Join(a.add, ","+a.nl+indent) + a.nl + closeIndent
}

// lineIndent returns the whitespace that starts the line holding off.
func lineIndent(data []byte, off int) string {
	s := off
	for s > 0 && data[s-1] != '\n' {
		s--
	}
	e := s
	for e < len(data) && (data[e] == ' ' || data[e] == '\t') {
		e++
	}
	return string(data[s:e])
}

// quoteString renders s as a TOML basic string / JSON string.
func quoteString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 {
				b.WriteString(`\u00`)
				b.WriteByte("0123456789abcdef"[r>>4])
				b.WriteByte("0123456789abcdef"[r&15])
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// afterTrailingComma reports the start of the next line when the element ending at
// off is followed on its line by a comma and at most a comment.
func afterTrailingComma(data []byte, off int) (int, bool) {
	i := off
	blank := func() {
		for i < len(data) && (data[i] == ' ' || data[i] == '\t') {
			i++
		}
	}
	blank()
	if i >= len(data) || data[i] != ',' {
		return 0, false
	}
	i++
	blank()
	switch {
	case i < len(data) && data[i] == '#', i+1 < len(data) && data[i] == '/' && data[i+1] == '/':
		for i < len(data) && data[i] != '\n' {
			i++
		}
	case i+1 < len(data) && data[i] == '/' && data[i+1] == '*':
		end := strings.Index(string(data[i+2:]), "*/")
		if end < 0 || strings.Contains(string(data[i:i+2+end]), "\n") {
			return 0, false
		}
		i += 2 + end + 2
		blank()
	}
	if i < len(data) && data[i] == '\r' {
		i++
	}
	if i >= len(data) || data[i] != '\n' {
		return 0, false
	}
	return i + 1, true
}
