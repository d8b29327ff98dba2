// This file defines the conversion between LSP positions (line, UTF-16 column)
// and byte offsets: the only place in the server where UTF-16 is counted.
package lsp

import (
	"fmt"
	"unicode/utf8"

	"go.lsp.dev/protocol"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

// offsetAt returns the byte offset of pos in text. A character past the end of
// its line is clamped to the line end (as the LSP specification asks); a line past
// the end of the text is an error. A position inside a surrogate pair lands
// before the pair's code point.
func offsetAt(text string, pos protocol.Position) (int, error) {
	line := int(pos.Line)
	start := 0
	for i := 0; i < line; i++ {
		nl := indexNewline(text, start)
		if nl < 0 {
			return 0, fmt.Errorf("line %d is past the end of the document (%d lines)", pos.Line, i+1)
		}
		start = nl + 1
	}
	want := int(pos.Character)
	units := 0
	off := start
	for off < len(text) && units < want {
		c := text[off]
		if c == '\n' || c == '\r' {
			break
		}
		r, size := utf8.DecodeRuneInString(text[off:])
		n := 1
		if r >= 0x10000 && size == 4 {
			n = 2
		}
		if units+n > want {
			break
		}
		units += n
		off += size
	}
	return off, nil
}

// indexNewline returns the index of the next '\n' at or after from, or -1.
func indexNewline(text string, from int) int {
	for i := from; i < len(text); i++ {
		if text[i] == '\n' {
			return i
		}
	}
	return -1
}

// positionAt returns the LSP position of byte offset off in text (clamped to
// the text). An offset inside a multi-byte sequence counts from its rune start.
func positionAt(text string, off int) protocol.Position {
	if off > len(text) {
		off = len(text)
	}
	if off < 0 {
		off = 0
	}
	for off > 0 && off < len(text) && !utf8.RuneStart(text[off]) {
		off-- // inside a multi-byte sequence: count from its start
	}
	line, lineStart := 0, 0
	for i := 0; i < off; i++ {
		if text[i] == '\n' {
			line++
			lineStart = i + 1
		}
	}
	return protocol.Position{Line: uint32(line), Character: uint32(utf16Len(text[lineStart:off]))}
}

// utf16Len counts the UTF-16 code units of s (invalid bytes count as one each,
// as editors show them as U+FFFD).
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// rangeToOffsets converts an LSP range of text into byte offsets [start, end).
func rangeToOffsets(text string, r protocol.Range) (int, int, error) {
	start, err := offsetAt(text, r.Start)
	if err != nil {
		return 0, 0, fmt.Errorf("range start: %w", err)
	}
	end, err := offsetAt(text, r.End)
	if err != nil {
		return 0, 0, fmt.Errorf("range end: %w", err)
	}
	if end < start {
		return 0, 0, fmt.Errorf("range end %d:%d is before its start %d:%d", r.End.Line, r.End.Character, r.Start.Line, r.Start.Character)
	}
	return start, end, nil
}

// toProtoPos converts an engine position. The engine already counts UTF-16
// columns (analysis.Pos.Col16), so no text is needed.
func toProtoPos(p analysis.Pos) protocol.Position {
	return protocol.Position{Line: uint32(max(p.Line, 0)), Character: uint32(max(p.Col16, 0))}
}

// toProtoRange converts an engine range.
func toProtoRange(r analysis.Range) protocol.Range {
	return protocol.Range{Start: toProtoPos(r.Start), End: toProtoPos(r.End)}
}

// contains reports whether the engine range r holds byte offset off (end inclusive,
// so a cursor right after a name still hits it).
func contains(r analysis.Range, off int) bool {
	return off >= r.Start.Offset && off <= r.End.Offset
}
