package lsp

import (
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
