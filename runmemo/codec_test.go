package runmemo

import (
	"reflect"
	"testing"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/safefs"
)

func sampleMemo() *memo {
	return &memo{
		started: 1700000000123456789,
		code:    1,
		inputs: []safefs.Input{
			{Kind: safefs.InputStat, Path: "/app/app/objects", Stamp: safefs.Stamp{Mode: 0o40755, Size: 4096, MTime: 1, CTime: 2, Ino: 3, Dev: 4}},
			{Kind: safefs.InputStat, Path: "/app/app/objects/a.ts", Stamp: safefs.Stamp{Mode: 0o100644, Size: 10, MTime: -5, CTime: 6, Ino: 7, Dev: 8}},
			{Kind: safefs.InputLstat, Path: "/app/app/objects/a.ts", Stamp: safefs.Stamp{Mode: 0o100644, Size: 10}},
			{Kind: safefs.InputStat, Path: "/app/cloudwerk.config.js", Errno: 2},
			{Kind: safefs.InputResolve, Path: "/app/link", Target: "/elsewhere"},
			{Kind: safefs.InputResolve, Path: "/app/loop", Errno: 40},
		},
		events: []event{
			{stream: streamStderr, data: []byte("progress")},
			{stream: streamFile, path: "/out/report.sarif", data: []byte("{}")},
			{stream: streamStdout, data: []byte("0 errors\n")},
		},
	}
}

func TestCodecRoundTrip(t *testing.T) {
	m := sampleMemo()
	data := encode(m, []byte("key"))
	got, err := decode(data, []byte("key"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, m)
	}
	if _, err := decode(data, []byte("other key")); err == nil {
		t.Error("a memo of another key decodes")
	}
}

// TestCodecRejectsDamage: every truncation and every flipped byte is refused.
func TestCodecRejectsDamage(t *testing.T) {
	data := encode(sampleMemo(), []byte("key"))
	for n := range len(data) {
		if _, err := decode(data[:n], []byte("key")); err == nil {
			t.Fatalf("truncated to %d bytes: decoded", n)
		}
	}
	for i := range data {
		bad := append([]byte(nil), data...)
		bad[i] ^= 0x20
		if _, err := decode(bad, []byte("key")); err == nil {
			t.Fatalf("byte %d flipped: decoded", i)
		}
	}
}

func FuzzDecodeMemo(f *testing.F) {
	f.Add(encode(sampleMemo(), []byte("key")))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := decode(data, []byte("key"))
		if err != nil {
			return
		}
		if again, err := decode(encode(m, []byte("key")), []byte("key")); err != nil || !reflect.DeepEqual(again, m) {
			t.Fatalf("a decoded memo does not round-trip: %v", err)
		}
	})
}
