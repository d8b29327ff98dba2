// This file defines the memo's file format: magic, the whole key, the run's
// start and exit code, the inputs sorted by path (each path stored as the
// length it shares with the previous one plus the rest, as they share long
// prefixes), the output events, and a CRC-32C of everything before it, so a
// damaged or truncated file is never replayed.

package runmemo

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/safefs"
)

const magic = "cloudwerk-lsp run memo 1\n"

// memo is one recorded run.
type memo struct {
	started int64 // UnixNano: when the recorded run started reading
	code    int
	inputs  []safefs.Input
	events  []event
}

var crcTable = crc32.MakeTable(crc32.Castagnoli)

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// encode writes m under key (inputs sorted by path).
func encode(m *memo, key []byte) []byte {
	b := make([]byte, 0, 64+len(key)+40*len(m.inputs))
	b = append(b, magic...)
	b = appendString(b, string(key))
	b = binary.AppendVarint(b, m.started)
	b = binary.AppendVarint(b, int64(m.code))
	b = binary.AppendUvarint(b, uint64(len(m.inputs)))
	prev := ""
	for _, in := range m.inputs {
		shared := 0
		for shared < len(prev) && shared < len(in.Path) && prev[shared] == in.Path[shared] {
			shared++
		}
		b = append(b, byte(in.Kind))
		b = binary.AppendUvarint(b, uint64(shared))
		b = appendString(b, in.Path[shared:])
		prev = in.Path
		b = binary.AppendUvarint(b, uint64(in.Errno))
		switch {
		case in.Kind == safefs.InputResolve:
			b = appendString(b, in.Target)
		case in.Errno == 0:
			s := in.Stamp
			b = binary.AppendUvarint(b, uint64(s.Mode))
			b = binary.AppendVarint(b, s.Size)
			b = binary.AppendVarint(b, s.MTime)
			b = binary.AppendVarint(b, s.CTime)
			b = binary.AppendUvarint(b, s.Ino)
			b = binary.AppendUvarint(b, s.Dev)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(m.events)))
	for _, e := range m.events {
		b = append(b, e.stream)
		b = appendString(b, e.path)
		b = appendString(b, string(e.data))
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crcTable))
}

// decoder reads what encode wrote; the first failure sticks.
type decoder struct {
	d   []byte
	bad bool
}

func (d *decoder) uvarint() uint64 {
	x, n := binary.Uvarint(d.d)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.d = d.d[n:]
	return x
}

func (d *decoder) varint() int64 {
	x, n := binary.Varint(d.d)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.d = d.d[n:]
	return x
}

func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if d.bad || n > uint64(len(d.d)) {
		d.bad = true
		return nil
	}
	s := d.d[:n:n]
	d.d = d.d[n:]
	return s
}

func (d *decoder) byte() byte {
	if len(d.d) == 0 {
		d.bad = true
		return 0
	}
	c := d.d[0]
	d.d = d.d[1:]
	return c
}

// decode reads a memo written under key; a memo of another key, or a damaged
// one, is an error.
func decode(data, key []byte) (*memo, error) {
	if len(data) < len(magic)+4 || !bytes.HasPrefix(data, []byte(magic)) {
		return nil, errBadMemo
	}
	body := data[:len(data)-4]
	if crc32.Checksum(body, crcTable) != binary.LittleEndian.Uint32(data[len(body):]) {
		return nil, errBadMemo
	}
	d := &decoder{d: body[len(magic):]}
	if !bytes.Equal(d.bytes(), key) {
		return nil, errBadMemo
	}
	m := &memo{started: d.varint(), code: int(d.varint())}
	n := d.uvarint()
	if d.bad || n > uint64(len(d.d)) {
		return nil, errBadMemo
	}
	m.inputs = make([]safefs.Input, 0, n)
	prev := ""
	for range n {
		in := safefs.Input{Kind: safefs.InputKind(d.byte())}
		shared := d.uvarint()
		rest := d.bytes()
		if d.bad || shared > uint64(len(prev)) {
			return nil, errBadMemo
		}
		in.Path = prev[:shared] + string(rest)
		prev = in.Path
		errno := d.uvarint()
		in.Errno = uint32(errno)
		switch {
		case in.Kind == safefs.InputResolve:
			in.Target = string(d.bytes())
		case in.Kind != safefs.InputStat && in.Kind != safefs.InputLstat:
			return nil, errBadMemo
		case in.Errno == 0:
			in.Stamp = safefs.Stamp{Mode: uint32(d.uvarint()), Size: d.varint(), MTime: d.varint(), CTime: d.varint(), Ino: d.uvarint(), Dev: d.uvarint()}
		}
		if d.bad || errno > 1<<32-1 {
			return nil, errBadMemo
		}
		m.inputs = append(m.inputs, in)
	}
	n = d.uvarint()
	if d.bad || n > uint64(len(d.d)) {
		return nil, errBadMemo
	}
	for range n {
		e := event{stream: d.byte(), path: string(d.bytes()), data: d.bytes()}
		if d.bad || e.stream < streamStdout || e.stream > streamFile || (e.stream == streamFile) != (e.path != "") {
			return nil, errBadMemo
		}
		m.events = append(m.events, e)
	}
	if d.bad || len(d.d) != 0 {
		return nil, errBadMemo
	}
	return m, nil
}
