// This file defines Pos, Range and Span, and LineIndex with its conversions.

package textpos

import (
	"bytes"
	"math"
	"sort"
	"strings"
	"unicode/utf8"
)

// Pos is a position inside one file. Offset is a byte offset; Line is 0-based;
// Col16 is the 0-based column in UTF-16 code units (what LSP and SARIF count).
// The fields are 32-bit: the facts hold tens of positions per object file, and
// at 100,000 objects 64-bit fields cost hundreds of MB in the server. Every text
// positions are taken in is far below 2 GiB (sources are capped at a few MB);
// MakePos saturates rather than wraps should one ever be larger.
type Pos struct {
	Offset int32
	Line   int32
	Col16  int32
}

// MakePos returns the Pos of a byte offset at a (line, UTF-16 column).
func MakePos(offset, line, col16 int) Pos {
	return Pos{Offset: clamp32(offset), Line: clamp32(line), Col16: clamp32(col16)}
}

func clamp32(v int) int32 { return int32(min(max(v, 0), math.MaxInt32)) }

// Range is a half-open range [Start, End) of one file.
type Range struct {
	Start, End Pos
}

// Span is a half-open byte range [Start, End) of one file.
type Span struct {
	Start, End int
}

// LineIndex maps byte offsets of one text to positions and back. Lines end at
// "\n", "\r\n" or a lone "\r". The line table is built on first use, and the last
// answer is remembered, so increasing offsets on one long line cost only the
// distance between them (a wrangler ledger can be one line of thousands of
// classes). A LineIndex is not safe for concurrent use.
type LineIndex[T Text] struct {
	src   T
	lines []int // byte offset where each line starts; lines[0] == 0; nil until first use
	last  Pos
	valid bool // last holds an answer
}

// Text is what a LineIndex can index: a string or a byte slice.
type Text interface{ ~string | ~[]byte }

// NewLineIndex indexes src. It keeps a reference to src, which must not change.
func NewLineIndex[T Text](src T) *LineIndex[T] {
	return &LineIndex[T]{src: src}
}

// LineStarts returns the byte offset at which each line of src starts.
func LineStarts[T Text](src T) []int {
	// Without "\r" (the common case) a line starts after each "\n": count
	// them and find them with the vectorised byte search, into an exact-size
	// table. An editor's change and every extraction build one.
	switch v := any(src).(type) {
	case string:
		if strings.IndexByte(v, '\r') < 0 {
			return lfStarts(v, strings.Count(v, "\n"), strings.IndexByte)
		}
	case []byte:
		if bytes.IndexByte(v, '\r') < 0 {
			return lfStarts(v, bytes.Count(v, []byte{'\n'}), bytes.IndexByte)
		}
	}
	return lineStartsSlow(src)
}

// lfStarts is LineStarts of a text without "\r" holding n "\n".
func lfStarts[T Text](src T, n int, index func(T, byte) int) []int {
	lines := make([]int, 1, 1+n)
	for off := 0; ; {
		i := index(src[off:], '\n')
		if i < 0 {
			return lines
		}
		off += i + 1
		lines = append(lines, off)
	}
}

// lineStartsSlow is LineStarts byte by byte, for texts with "\r".
func lineStartsSlow[T Text](src T) []int {
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
	return lines
}

func (x *LineIndex[T]) table() []int {
	if x.lines == nil {
		x.lines = LineStarts(x.src)
	}
	return x.lines
}

// Pos converts a byte offset (clamped to the text) to a Pos. An offset inside a
// multi-byte character counts the character's UTF-16 units up to it; invalid
// UTF-8 bytes count one unit each (they become U+FFFD at the edge).
func (x *LineIndex[T]) Pos(offset int) Pos {
	offset = min(max(offset, 0), len(x.src))
	lines := x.table()
	line := sort.Search(len(lines), func(i int) bool { return lines[i] > offset }) - 1
	from, col := lines[line], 0
	if x.valid && int(x.last.Line) == line && int(x.last.Offset) <= offset {
		from, col = int(x.last.Offset), int(x.last.Col16)
	}
	p := MakePos(offset, line, col+UTF16Len(x.src[from:offset]))
	// Remember only answers at a character start: counting on from inside a
	// multi-byte character would count its rest differently.
	if offset == len(x.src) || utf8.RuneStart(x.src[offset]) {
		x.last, x.valid = p, true
	}
	return p
}

// Range converts a byte range to a Range.
func (x *LineIndex[T]) Range(start, end int) Range {
	return Range{Start: x.Pos(start), End: x.Pos(end)}
}

// SpanRange converts a Span to a Range.
func (x *LineIndex[T]) SpanRange(s Span) Range { return x.Range(s.Start, s.End) }

// LineCount is the number of lines (at least 1).
func (x *LineIndex[T]) LineCount() int { return len(x.table()) }

// Offset converts a (line, UTF-16 column) back to a byte offset, clamping a
// column past the end of the line to the line's end (before its terminator) and
// a line past the end to the end of the text. ok is false when clamping happened.
// A column inside a surrogate pair lands before the pair's code point.
func (x *LineIndex[T]) Offset(line, col16 int) (offset int, ok bool) {
	lines := x.table()
	if line < 0 {
		return 0, false
	}
	if line >= len(lines) {
		return len(x.src), false
	}
	return offsetInLine(x.src, lines[line], col16)
}

// LineStart returns the byte offset at which line (0-based) of text starts,
// scanning text only up to it; ok is false when text has no such line.
func LineStart[T Text](text T, line int) (start int, ok bool) {
	if line < 0 {
		return 0, false
	}
	// Without "\r" (the common case) hop from "\n" to "\n" with the
	// vectorised byte search.
	switch v := any(text).(type) {
	case string:
		if strings.IndexByte(v, '\r') < 0 {
			return lfLineStart(v, line, strings.IndexByte)
		}
	case []byte:
		if bytes.IndexByte(v, '\r') < 0 {
			return lfLineStart(v, line, bytes.IndexByte)
		}
	}
	for i := 0; line > 0; i++ {
		if i >= len(text) {
			return 0, false
		}
		switch text[i] {
		case '\r':
			if i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
		case '\n':
		default:
			continue
		}
		line--
		start = i + 1
	}
	return start, true
}

// lfLineStart is LineStart of a text without "\r".
func lfLineStart[T Text](text T, line int, index func(T, byte) int) (int, bool) {
	start := 0
	for ; line > 0; line-- {
		i := index(text[start:], '\n')
		if i < 0 {
			return 0, false
		}
		start += i + 1
	}
	return start, true
}

// OffsetAt is LineIndex.Offset for a single position: it scans text only up to
// the position instead of building the line table (an editor's change carries
// one or two positions). A line past the end gives len(text), false.
func OffsetAt[T Text](text T, line, col16 int) (offset int, ok bool) {
	start, ok := LineStart(text, line)
	if !ok {
		if line < 0 {
			return 0, false
		}
		return len(text), false
	}
	return offsetInLine(text, start, col16)
}

// offsetInLine converts a UTF-16 column of the line starting at byte i to a
// byte offset, as LineIndex.Offset documents.
func offsetInLine[T Text](src T, i, col16 int) (offset int, ok bool) {
	// Exclude the terminator: the column must not step over "\r\n", "\n" or "\r".
	end := i
	for end < len(src) && src[end] != '\n' && src[end] != '\r' {
		end++
	}
	col := 0
	for k, r := range string(src[i:end]) {
		if col >= col16 {
			return i + k, true
		}
		units := 1
		if r >= 0x10000 {
			units = 2
		}
		if col+units > col16 {
			// The column points into the middle of a surrogate pair.
			return i + k, false
		}
		col += units
	}
	return end, col == col16
}

// UTF16Len counts the UTF-16 code units of b; invalid bytes count one each
// (editors show each as U+FFFD).
func UTF16Len[T Text](b T) int {
	i := 0
	for i < len(b) && b[i] < utf8.RuneSelf {
		i++ // ASCII: one unit per byte, no conversion of b
	}
	if i == len(b) {
		return i
	}
	n := i
	for _, r := range string(b[i:]) {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// PosAt converts one offset of text (clamped) without keeping a line table: a
// direct count when no "\r" comes before the offset (the common case), else
// through a LineIndex. For many offsets of one text, use a LineIndex.
func PosAt[T Text](text T, offset int) Pos {
	offset = min(max(offset, 0), len(text))
	var line, start int
	switch v := any(text[:offset]).(type) {
	case string:
		if strings.IndexByte(v, '\r') >= 0 {
			return NewLineIndex(text).Pos(offset)
		}
		line, start = strings.Count(v, "\n"), strings.LastIndexByte(v, '\n')+1
	case []byte:
		if bytes.IndexByte(v, '\r') >= 0 {
			return NewLineIndex(text).Pos(offset)
		}
		line, start = bytes.Count(v, []byte{'\n'}), bytes.LastIndexByte(v, '\n')+1
	default:
		return NewLineIndex(text).Pos(offset)
	}
	return MakePos(offset, line, UTF16Len(text[start:offset]))
}
