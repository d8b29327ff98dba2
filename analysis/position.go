// This file defines the per-file line index that turns byte offsets into Pos
// (line and UTF-16 column), built once per extracted file.
package analysis

import (
	"sort"
	"unicode/utf8"
)

// LineIndex maps byte offsets of one text to positions. Lines end at "\n",
// "\r\n" or a lone "\r", as LSP counts them.
type LineIndex struct {
	src   []byte
	lines []int // byte offset where each line starts; lines[0] == 0
}

// NewLineIndex indexes src. It keeps a reference to src, which must not change.
func NewLineIndex(src []byte) *LineIndex {
	lines := make([]int, 1, 1+len(src)/32)
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '\n':
			lines = append(lines, i+1)
		case '\r':
			if i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
			lines = append(lines, i+1)
		}
	}
	return &LineIndex{src: src, lines: lines}
}

// Pos converts a byte offset (clamped to the text) to a Pos. An offset inside a
// multi-byte character counts the character's UTF-16 units up to it; invalid
// UTF-8 bytes count one unit each (they become U+FFFD at the edge).
func (x *LineIndex) Pos(offset int) Pos {
	if offset < 0 {
		offset = 0
	}
	if offset > len(x.src) {
		offset = len(x.src)
	}
	line := sort.Search(len(x.lines), func(i int) bool { return x.lines[i] > offset }) - 1
	start := x.lines[line]
	return Pos{Offset: offset, Line: line, Col16: utf16Len(x.src[start:offset])}
}

// Range converts a byte span to a Range.
func (x *LineIndex) Range(start, end int) Range {
	return Range{Start: x.Pos(start), End: x.Pos(end)}
}

// LineCount is the number of lines (at least 1).
func (x *LineIndex) LineCount() int { return len(x.lines) }

// Offset converts a (line, UTF-16 column) back to a byte offset, clamping a
// column past the end of the line to the line's end (before its terminator) and
// a line past the end to the end of the text. ok is false when clamping happened.
func (x *LineIndex) Offset(line, col16 int) (offset int, ok bool) {
	if line < 0 {
		return 0, false
	}
	if line >= len(x.lines) {
		return len(x.src), false
	}
	i := x.lines[line]
	end := len(x.src)
	if line+1 < len(x.lines) {
		end = x.lines[line+1]
	}
	// Exclude the terminator: the column must not step over "\r\n" / "\n".
	for end > i && (x.src[end-1] == '\n' || x.src[end-1] == '\r') {
		end--
	}
	col := 0
	for i < end && col < col16 {
		r, size := utf8.DecodeRune(x.src[i:end])
		units := 1
		if r >= 0x10000 && size == 4 {
			units = 2
		}
		if col+units > col16 {
			// The column points into the middle of a surrogate pair.
			return i, false
		}
		col += units
		i += size
	}
	return i, col == col16
}

// utf16Len counts the UTF-16 code units of b; invalid bytes count one each.
func utf16Len(b []byte) int {
	n := 0
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r >= 0x10000 && size == 4 {
			n += 2
		} else {
			n++
		}
		i += size
	}
	return n
}
