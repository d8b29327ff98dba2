package lsp

import (
	"fmt"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

func TestOffsetAtCountsUTF16(t *testing.T) {
	// "é" is 2 bytes / 1 unit; "😀" is 4 bytes / 2 units (a surrogate pair).
	text := "aé😀b\r\nxyz\n"
	for _, tc := range []struct {
		line, char uint32
		want       int
		err        bool
	}{
		{0, 0, 0, false},
		{0, 1, 1, false},  // after a
		{0, 2, 3, false},  // after é
		{0, 3, 3, false},  // inside the surrogate pair: before the emoji
		{0, 4, 7, false},  // after the emoji
		{0, 5, 8, false},  // after b
		{0, 99, 8, false}, // clamped to the line end, before \r\n
		{1, 2, 12, false},
		{2, 0, 14, false}, // the empty last line
		{3, 0, 0, true},
	} {
		got, err := offsetAt(text, protocol.Position{Line: tc.line, Character: tc.char})
		if (err != nil) != tc.err || (!tc.err && got != tc.want) {
			t.Errorf("offsetAt(%d:%d) = %d, %v; want %d (error %v)", tc.line, tc.char, got, err, tc.want, tc.err)
		}
	}
}

func TestPositionAtRoundTrips(t *testing.T) {
	text := "const s = '𝒳é'\nnext 😀 line\n"
	for off := 0; off <= len(text); off++ {
		p := positionAt(text, off)
		back, err := offsetAt(text, p)
		if err != nil {
			t.Fatalf("offset %d -> %v: %v", off, p, err)
		}
		// Offsets inside a multi-byte rune map to its start.
		if back > off {
			t.Fatalf("offset %d -> %v -> %d", off, p, back)
		}
	}
	if p := positionAt(text, len("const s = '𝒳")); p.Character != 13 {
		t.Fatalf("after 𝒳: character %d, want 13", p.Character)
	}
}

func TestIncrementalEditsWithAstralText(t *testing.T) {
	e := newEnv(t, map[string]string{"cloudwerk.config.ts": "export default {}\n", "app/objects/counter.ts": objectSource("")})
	e.initialize(protocol.ClientCapabilities{})
	text := e.open("app/objects/counter.ts", 1)
	e.edit("app/objects/counter.ts", 2, &text, "interface State", "// 😀 é 𝒳\ninterface State")
	e.edit("app/objects/counter.ts", 3, &text, "value: number }", "value: number; label: '😀' }")
	e.client.waitDiags(t, e.uri("app/objects/counter.ts"), 3, nil)
	got := e.conn.s.snap.Load().open[e.root+"/app/objects/counter.ts"].text
	if got != text {
		t.Fatalf("server text diverged:\n%s\nwant:\n%s", got, text)
	}
}

// TestPositionsOverEveryLineEnd converts the same three lines written with "\n",
// "\r\n" and a lone "\r": LSP counts all three as line ends.
func TestPositionsOverEveryLineEnd(t *testing.T) {
	lines := []string{"aé😀b", "", "xyz"}
	for _, eol := range []string{"\n", "\r\n", "\r"} {
		text := strings.Join(lines, eol)
		lineStart := []int{0, len(lines[0]) + len(eol), len(lines[0]) + 2*len(eol)}
		for _, tc := range []struct {
			line, char uint32
			inLine     int // byte offset inside the line
		}{
			{0, 0, 0}, {0, 2, 3}, {0, 4, 7}, {0, 5, 8}, {0, 99, 8}, {1, 0, 0}, {1, 3, 0}, {2, 2, 2}, {2, 3, 3},
		} {
			want := lineStart[tc.line] + tc.inLine
			got, err := offsetAt(text, protocol.Position{Line: tc.line, Character: tc.char})
			if err != nil || got != want {
				t.Errorf("%q: offsetAt(%d:%d) = %d, %v; want %d", eol, tc.line, tc.char, got, err, want)
			}
			if p := positionAt(text, want); p.Line != tc.line || (tc.char < 6 && tc.line != 1 && p.Character != tc.char) {
				t.Errorf("%q: positionAt(%d) = %v; want line %d", eol, want, p, tc.line)
			}
		}
		if _, err := offsetAt(text, protocol.Position{Line: 3}); err == nil {
			t.Errorf("%q: line 3 of a three-line text accepted", eol)
		}
	}
}

// TestServerOverEveryLineEnd opens and edits the same object written with each
// line end: the findings and their ranges are the same, and the server's text
// follows the edits.
func TestServerOverEveryLineEnd(t *testing.T) {
	var want string
	for _, eol := range []string{"\n", "\r\n", "\r"} {
		src := strings.ReplaceAll(objectSource("\n  alarm: 1,"), "\n", eol)
		e := newEnv(t, map[string]string{"cloudwerk.config.ts": "export default {}\n", "app/objects/counter.ts": src})
		e.initialize(protocol.ClientCapabilities{})
		text := e.open("app/objects/counter.ts", 1)
		e.client.waitDiags(t, e.uri("app/objects/counter.ts"), 1, nil)
		e.edit("app/objects/counter.ts", 2, &text, "interface State", "// 😀 first"+eol+"// second"+eol+"interface State")
		got := e.client.waitDiags(t, e.uri("app/objects/counter.ts"), 2, nil)
		if s := e.conn.s.snap.Load().open[e.root+"/app/objects/counter.ts"].text; s != text {
			t.Fatalf("%q: server text diverged:\n%q\nwant:\n%q", eol, s, text)
		}
		var b strings.Builder
		for _, d := range got {
			fmt.Fprintf(&b, "%v %d:%d-%d:%d\n", d.Code, d.Range.Start.Line, d.Range.Start.Character, d.Range.End.Line, d.Range.End.Character)
		}
		if strings.Contains(b.String(), "INVALID_DEFINITION") || b.Len() == 0 {
			t.Errorf("%q: unexpected findings:\n%s", eol, b.String())
		}
		if want == "" {
			want = b.String()
		} else if b.String() != want {
			t.Errorf("%q endings give other findings than \\n:\n%s\nwant:\n%s", eol, b.String(), want)
		}
	}
}
