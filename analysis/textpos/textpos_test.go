package textpos

import (
	"math"
	"slices"
	"testing"
)

func TestLineIndexPos(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		offset int
		want   Pos
	}{
		{"start", "abc", 0, Pos{0, 0, 0}},
		{"ascii", "abc", 2, Pos{2, 0, 2}},
		{"end", "abc", 3, Pos{3, 0, 3}},
		{"clamped past end", "abc", 10, Pos{3, 0, 3}},
		{"clamped negative", "abc", -4, Pos{0, 0, 0}},
		{"second line", "ab\ncd", 4, Pos{4, 1, 1}},
		{"at newline", "ab\ncd", 2, Pos{2, 0, 2}},
		{"after newline", "ab\ncd", 3, Pos{3, 1, 0}},
		{"crlf", "ab\r\ncd", 5, Pos{5, 1, 1}},
		{"between cr and lf", "ab\r\ncd", 3, Pos{3, 0, 3}},
		{"lone cr", "ab\rcd", 4, Pos{4, 1, 1}},
		{"two-byte é", "é!", 2, Pos{2, 0, 1}},
		{"three-byte 中", "中x", 3, Pos{3, 0, 1}},
		{"astral 😀 is two units", "😀x", 4, Pos{4, 0, 2}},
		{"after astral and é", "a😀é|", 7, Pos{7, 0, 4}},
		{"astral on second line", "x\n😀😀y", 10, Pos{10, 1, 4}},
		{"invalid byte counts one", "\xffa", 1, Pos{1, 0, 1}},
		{"empty", "", 0, Pos{0, 0, 0}},
		{"trailing newline", "a\n", 2, Pos{2, 1, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := NewLineIndex([]byte(tc.src)).Pos(tc.offset); got != tc.want {
				t.Errorf("Pos(%d) in %q = %+v, want %+v", tc.offset, tc.src, got, tc.want)
			}
		})
	}
}

func TestLineIndexOffset(t *testing.T) {
	src := "ab\r\n😀é中\nlast"
	idx := NewLineIndex([]byte(src))
	tests := []struct {
		line, col16 int
		want        int
		ok          bool
	}{
		{0, 0, 0, true},
		{0, 2, 2, true},
		{0, 9, 2, false}, // past the end of the line: clamped before "\r\n"
		{1, 0, 4, true},
		{1, 1, 4, false}, // inside the surrogate pair
		{1, 2, 8, true},
		{1, 3, 10, true},
		{1, 4, 13, true},
		{2, 4, 18, true},
		{3, 0, 18, false}, // past the last line
		{-1, 0, 0, false},
	}
	for _, tc := range tests {
		got, ok := idx.Offset(tc.line, tc.col16)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Offset(%d, %d) = %d, %v; want %d, %v", tc.line, tc.col16, got, ok, tc.want, tc.ok)
		}
	}
	// Round trip at every character boundary.
	for off := 0; off <= len(src); off++ {
		p := idx.Pos(off)
		back, ok := idx.Offset(int(p.Line), int(p.Col16))
		boundary := off == len(src) || (src[off]&0xC0) != 0x80
		if boundary && src[max(off-1, 0)] != '\r' && (!ok || back != off) {
			t.Errorf("round trip at %d: %+v -> %d, %v", off, p, back, ok)
		}
	}
	if n := idx.LineCount(); n != 3 {
		t.Errorf("LineCount = %d, want 3", n)
	}
}

func TestMakePosSaturates(t *testing.T) {
	if p := MakePos(1<<40, -3, 7); p != (Pos{Offset: math.MaxInt32, Line: 0, Col16: 7}) {
		t.Errorf("MakePos = %+v, want the offset saturated and the line clamped to 0", p)
	}
	if p := MakePos(12, 3, 4); p != (Pos{Offset: 12, Line: 3, Col16: 4}) {
		t.Errorf("MakePos = %+v", p)
	}
}

// TestOffsetAtMatchesLineIndex: the single-position scan answers exactly as
// the line table does, for every line and column (and past the ends) of texts
// with every kind of line end, multi-byte characters and surrogate pairs.
func TestOffsetAtMatchesLineIndex(t *testing.T) {
	for _, src := range []string{"", "a", "\n", "\r", "\r\n", "ab\ncd", "a\r\nb\rc\n\n", "é😀x\r\n\rz", "x\n\r\n\r", "😀"} {
		idx := NewLineIndex(src)
		for line := -1; line <= idx.LineCount()+1; line++ {
			if start, ok := LineStart(src, line); ok != (line >= 0 && line < idx.LineCount()) || (ok && start != idx.table()[line]) {
				t.Errorf("LineStart(%q, %d) = %d, %v", src, line, start, ok)
			}
			if start, ok := LineStart([]byte(src), line); ok != (line >= 0 && line < idx.LineCount()) || (ok && start != idx.table()[line]) {
				t.Errorf("LineStart([]byte(%q), %d) = %d, %v", src, line, start, ok)
			}
			for col := -1; col <= len(src)*2+2; col++ {
				wantOff, wantOK := idx.Offset(line, col)
				if off, ok := OffsetAt(src, line, col); off != wantOff || ok != wantOK {
					t.Errorf("OffsetAt(%q, %d, %d) = %d, %v; LineIndex says %d, %v", src, line, col, off, ok, wantOff, wantOK)
				}
			}
		}
	}
}

// TestLineStartsFastPath: the "\n"-only fast path gives the byte-by-byte
// answer, for strings and byte slices.
func TestLineStartsFastPath(t *testing.T) {
	for _, src := range []string{"", "a", "\n", "\n\n", "ab\ncd\n", "é\n😀\nx", "x\r\ny", "\r", "a\rb\n"} {
		want := lineStartsSlow(src)
		if got := LineStarts(src); !slices.Equal(got, want) {
			t.Errorf("LineStarts(%q) = %v, want %v", src, got, want)
		}
		if got := LineStarts([]byte(src)); !slices.Equal(got, want) {
			t.Errorf("LineStarts([]byte(%q)) = %v, want %v", src, got, want)
		}
	}
}
