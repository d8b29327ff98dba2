// Package varbin reads and writes the length-prefixed, varint-framed binary
// records the on-disk files share: the extraction cache, the record of verified
// generated files and the run memo. Each format keeps its own layout; this is
// only the framing, with one bounds-checked reader for untrusted bytes.
package varbin

import "encoding/binary"

// AppendString appends s with its length in front.
func AppendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// Reader reads with a sticky failure: after the first malformed varint or read
// past the end, every read returns a zero value, so a decoder checks Bad once
// per record rather than after every field.
type Reader struct {
	Buf []byte // what is left to read
	bad bool
}

// Fail marks the input bad (a decoder's own check failed).
func (r *Reader) Fail() { r.bad, r.Buf = true, nil }

// Bad reports whether a read failed.
func (r *Reader) Bad() bool { return r.bad }

// Uvarint reads an unsigned varint.
func (r *Reader) Uvarint() uint64 {
	v, n := binary.Uvarint(r.Buf)
	if n <= 0 {
		r.Fail()
		return 0
	}
	r.Buf = r.Buf[n:]
	return v
}

// Varint reads a signed varint.
func (r *Reader) Varint() int64 {
	v, n := binary.Varint(r.Buf)
	if n <= 0 {
		r.Fail()
		return 0
	}
	r.Buf = r.Buf[n:]
	return v
}

// Count reads a length or element count bounded by the bytes left (each
// element takes at least one), so a corrupt count cannot make a huge allocation.
func (r *Reader) Count() int {
	n := r.Uvarint()
	if n > uint64(len(r.Buf)) {
		r.Fail()
		return 0
	}
	return int(n)
}

// Bytes reads a length-prefixed byte string. The result aliases the input,
// with its capacity clipped so an append cannot overwrite what follows.
func (r *Reader) Bytes() []byte {
	n := r.Count()
	if r.bad {
		return nil
	}
	b := r.Buf[:n:n]
	r.Buf = r.Buf[n:]
	return b
}

// Byte reads one byte.
func (r *Reader) Byte() byte {
	if len(r.Buf) == 0 {
		r.Fail()
		return 0
	}
	c := r.Buf[0]
	r.Buf = r.Buf[1:]
	return c
}

// Uint64 reads a fixed-size little-endian uint64.
func (r *Reader) Uint64() uint64 {
	if len(r.Buf) < 8 {
		r.Fail()
		return 0
	}
	v := binary.LittleEndian.Uint64(r.Buf)
	r.Buf = r.Buf[8:]
	return v
}
