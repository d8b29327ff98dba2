// This file defines the conversion between LSP positions and byte offsets of an
// open document's text, through textpos (which counts the UTF-16 columns).

package lsp

import (
	"fmt"
	"unicode/utf8"

	"go.lsp.dev/protocol"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/textpos"
)

// offsetAt returns the byte offset of pos in text. A character past the end of
// its line is clamped to the line end (as the LSP specification asks); a line past
// the end of the text is an error. A position inside a surrogate pair lands
// before the pair's code point.
func offsetAt(text string, pos protocol.Position) (int, error) {
	// One scan up to the position: every keystroke converts one or two, and a
	// line table of the whole document would cost more than the rest of the
	// conversion.
	start, ok := textpos.LineStart(text, int(pos.Line))
	if !ok {
		return 0, fmt.Errorf("line %d is past the end of the document (%d lines)", pos.Line, textpos.NewLineIndex(text).LineCount())
	}
	off, _ := textpos.OffsetAt(text[start:], 0, int(pos.Character))
	return start + off, nil
}

// positionAt returns the LSP position of byte offset off in text (clamped to
// the text). An offset inside a multi-byte sequence counts from its rune start.
func positionAt(text string, off int) protocol.Position {
	off = min(max(off, 0), len(text))
	for off > 0 && off < len(text) && !utf8.RuneStart(text[off]) {
		off-- // inside a multi-byte sequence: count from its start
	}
	return toProtoPos(textpos.PosAt(text, off))
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
	return off >= int(r.Start.Offset) && off <= int(r.End.Offset)
}
