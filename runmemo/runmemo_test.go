package runmemo

import (
	"bytes"
	"io"
	"path/filepath"
	"testing"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

// TestLargeOutputIsNotKept: a run whose output outgrows maxOutput leaves no
// memo (and stops holding its output), while its output still goes out whole.
func TestLargeOutputIsNotKept(t *testing.T) {
	cache := t.TempDir()
	t.Setenv(analysis.CacheEnv, cache)
	for _, size := range []int{1000, maxOutput + 1} {
		key := Key{Command: "test", Args: []string{string(rune('a' + size%26))}}
		var out bytes.Buffer
		r := Start(key, &out, io.Discard)
		chunk := bytes.Repeat([]byte("x"), 1000)
		for n := 0; n < size; n += len(chunk) {
			r.Stdout().Write(chunk[:min(len(chunk), size-n)])
		}
		r.Finish(0, true)
		if out.Len() != size {
			t.Errorf("size %d: %d bytes went out", size, out.Len())
		}
		var replayed bytes.Buffer
		_, ok := Replay(key, &replayed, io.Discard)
		if want := size <= maxOutput; ok != want || ok && !bytes.Equal(replayed.Bytes(), out.Bytes()) {
			t.Errorf("size %d: replayed %v (%d bytes), want %v", size, ok, replayed.Len(), want)
		}
	}
	if memos, _ := filepath.Glob(filepath.Join(cache, "apps", "run-*.memo")); len(memos) != 1 {
		t.Errorf("memos: %v, want one", memos)
	}
}

type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n <= 0 {
		return 0, io.ErrClosedPipe
	}
	k := min(w.n, len(p))
	w.n -= k
	return k, nil
}

// TestFailedWriteIsNotKept: output cut short (a closed pipe, a full disk) is not
// what the run meant to write: no memo.
func TestFailedWriteIsNotKept(t *testing.T) {
	t.Setenv(analysis.CacheEnv, t.TempDir())
	key := Key{Command: "test"}
	r := Start(key, &failingWriter{n: 3}, io.Discard)
	r.Stdout().Write([]byte("hello"))
	r.Finish(0, true)
	if _, ok := Replay(key, io.Discard, io.Discard); ok {
		t.Error("a run whose write failed was replayed")
	}
}
