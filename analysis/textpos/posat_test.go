package textpos

import "testing"

func TestPosAtMatchesLineIndex(t *testing.T) {
	for _, text := range []string{"", "abc", "a\nbé\n😀x", "a\r\nb\rc\n", "\r\r\n\n", "x\xffy\nz"} {
		idx := NewLineIndex(text)
		for off := -1; off <= len(text)+1; off++ {
			if got, want := PosAt(text, off), idx.Pos(off); got != want {
				t.Errorf("PosAt(%q, %d) = %+v, LineIndex says %+v", text, off, got, want)
			}
			if got, want := PosAt([]byte(text), off), idx.Pos(off); got != want {
				t.Errorf("PosAt([]byte %q, %d) = %+v, LineIndex says %+v", text, off, got, want)
			}
		}
	}
	b := []byte("line one\nline two 😀 here\n")
	if n := testing.AllocsPerRun(100, func() { _ = PosAt(b, 20) }); n != 0 {
		t.Errorf("PosAt allocates %v times per call on text without \\r", n)
	}
}
