package varbin

import (
	"encoding/binary"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	var b []byte
	b = binary.AppendUvarint(b, 300)
	b = binary.AppendVarint(b, -7)
	b = AppendString(b, "héllo")
	b = append(b, 9)
	b = binary.LittleEndian.AppendUint64(b, 1<<40)
	r := Reader{Buf: b}
	if r.Uvarint() != 300 || r.Varint() != -7 || string(r.Bytes()) != "héllo" || r.Byte() != 9 || r.Uint64() != 1<<40 {
		t.Fatal("values did not round-trip")
	}
	if r.Bad() || len(r.Buf) != 0 {
		t.Fatalf("bad=%v, %d bytes left", r.Bad(), len(r.Buf))
	}
}

// Every truncation of a valid record fails, and once failed every read is zero.
func TestTruncationSticks(t *testing.T) {
	full := AppendString(binary.AppendVarint(nil, 1<<20), "abc")
	full = binary.LittleEndian.AppendUint64(full, 5)
	for n := range len(full) {
		r := Reader{Buf: full[:n]}
		r.Varint()
		r.Bytes()
		r.Uint64()
		if !r.Bad() {
			t.Errorf("prefix of %d bytes read without failing", n)
		}
		if r.Uvarint() != 0 || r.Byte() != 0 || r.Bytes() != nil || r.Count() != 0 {
			t.Errorf("prefix of %d bytes: a read after the failure returned a value", n)
		}
	}
}

// A count larger than the bytes left fails instead of being trusted.
func TestCountBoundedByInput(t *testing.T) {
	r := Reader{Buf: binary.AppendUvarint(nil, 1<<40)}
	if r.Count() != 0 || !r.Bad() {
		t.Fatal("a huge count was accepted")
	}
	r = Reader{Buf: append(binary.AppendUvarint(nil, 2), 'a', 'b', 'c')}
	if got := r.Bytes(); string(got) != "ab" || cap(got) != 2 {
		t.Fatalf("Bytes = %q (cap %d), want \"ab\" with its capacity clipped", got, cap(got))
	}
}
