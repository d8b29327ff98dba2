package safefs

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestRecordCoversEveryRead checks what each recorded read leaves in the record,
// and that Unchanged sees every change to it.
func TestRecordCoversEveryRead(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.ts")
	if err := os.WriteFile(file, []byte("export default 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(file, link); err != nil {
		t.Fatal(err)
	}
	stop := Record()
	ReadFile(file)
	ReadFile(filepath.Join(dir, "missing.ts"))
	ReadDir(dir)
	Lstat(link)
	EvalSymlinks(link)
	IsFile(filepath.Join(dir, "a.ts", "under-a-file"))
	inputs, complete := stop()
	if !complete {
		t.Fatal("record unsure")
	}
	want := []struct {
		kind  InputKind
		path  string
		errno syscall.Errno
	}{
		{InputStat, file, 0},
		{InputStat, filepath.Join(dir, "missing.ts"), syscall.ENOENT},
		{InputStat, dir, 0},
		{InputLstat, link, 0},
		{InputResolve, link, 0},
		{InputStat, filepath.Join(dir, "a.ts", "under-a-file"), syscall.ENOTDIR},
	}
	if len(inputs) != len(want) {
		t.Fatalf("inputs: %+v", inputs)
	}
	future := time.Now().Add(time.Hour).UnixNano()
	c := NewChecker() // checks through an open folder
	defer c.Close()
	for i, w := range want {
		in := inputs[i]
		if in.Kind != w.kind || in.Path != w.path || syscall.Errno(in.Errno) != w.errno {
			t.Errorf("input %d = %+v, want %+v", i, in, w)
		}
		if !Unchanged(in, future) || !c.Unchanged(in, future) {
			t.Errorf("input %d (%s) changed without a change", i, in.Path)
		}
	}
	if Recording() {
		t.Error("still recording after stop")
	}

	// A stamp as recent as the recording run is racy: never unchanged.
	if Unchanged(inputs[0], inputs[0].Stamp.MTime) || c.Unchanged(inputs[0], inputs[0].Stamp.MTime) {
		t.Error("a racy stamp counts as unchanged")
	}
	// Each change is seen (after a pause longer than a clock tick: a change in
	// the tick of the recording could keep a stamp, which the racy rule covers).
	time.Sleep(20 * time.Millisecond)
	if err := os.WriteFile(filepath.Join(dir, "missing.ts"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(file, 0o600); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "b.ts")
	os.WriteFile(other, nil, 0o644)
	os.Remove(link)
	os.Symlink(other, link)
	c2 := NewChecker()
	defer c2.Close()
	for i, in := range inputs[:5] {
		if Unchanged(in, future) || c2.Unchanged(in, future) {
			t.Errorf("input %d (%s): a change is not seen", i, in.Path)
		}
	}
}

// TestRecordUnsure: a read failing for a reason the record cannot check again
// makes the record unsure.
func TestRecordUnsure(t *testing.T) {
	stop := Record()
	ReadFile(string([]byte{'a', 0})) // EINVAL: not decided by any file's state
	if _, complete := stop(); complete {
		t.Error("an unexplained error left the record complete")
	}
}
