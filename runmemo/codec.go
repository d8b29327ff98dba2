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
	"github.com/cloudwerk/cloudwerk-lsp/analysis/varbin"
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

// encode writes m under key (inputs sorted by path).
func encode(m *memo, key []byte) []byte {
	b := make([]byte, 0, 64+len(key)+40*len(m.inputs))
	b = append(b, magic...)
	b = varbin.AppendString(b, string(key))
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
		b = varbin.AppendString(b, in.Path[shared:])
		prev = in.Path
		b = binary.AppendUvarint(b, uint64(in.Errno))
		switch {
		case in.Kind == safefs.InputResolve:
			b = varbin.AppendString(b, in.Target)
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
		b = varbin.AppendString(b, e.path)
		b = varbin.AppendString(b, string(e.data))
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crcTable))
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
	d := &varbin.Reader{Buf: body[len(magic):]}
	if !bytes.Equal(d.Bytes(), key) {
		return nil, errBadMemo
	}
	m := &memo{started: d.Varint(), code: int(d.Varint())}
	n := d.Count()
	if d.Bad() {
		return nil, errBadMemo
	}
	m.inputs = make([]safefs.Input, 0, n)
	prev := ""
	for range n {
		in := safefs.Input{Kind: safefs.InputKind(d.Byte())}
		shared := d.Uvarint()
		rest := d.Bytes()
		if d.Bad() || shared > uint64(len(prev)) {
			return nil, errBadMemo
		}
		in.Path = prev[:shared] + string(rest)
		prev = in.Path
		errno := d.Uvarint()
		in.Errno = uint32(errno)
		switch {
		case in.Kind == safefs.InputResolve:
			in.Target = string(d.Bytes())
		case in.Kind != safefs.InputStat && in.Kind != safefs.InputLstat:
			return nil, errBadMemo
		case in.Errno == 0:
			in.Stamp = safefs.Stamp{Mode: uint32(d.Uvarint()), Size: d.Varint(), MTime: d.Varint(), CTime: d.Varint(), Ino: d.Uvarint(), Dev: d.Uvarint()}
		}
		if d.Bad() || errno > 1<<32-1 {
			return nil, errBadMemo
		}
		m.inputs = append(m.inputs, in)
	}
	n = d.Count()
	if d.Bad() {
		return nil, errBadMemo
	}
	for range n {
		e := event{stream: d.Byte(), path: string(d.Bytes()), data: d.Bytes()}
		if d.Bad() || e.stream < streamStdout || e.stream > streamFile || (e.stream == streamFile) != (e.path != "") {
			return nil, errBadMemo
		}
		m.events = append(m.events, e)
	}
	if d.Bad() || len(d.Buf) != 0 {
		return nil, errBadMemo
	}
	return m, nil
}
