package codegen

import (
	"os"
	"path/filepath"
	"testing"
)

func TestContentReader(t *testing.T) {
	root := t.TempDir()
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	for _, dir := range []string{a, b, filepath.Join(a, "sub")} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(path, content string) string {
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	x := write(filepath.Join(a, "x.ts"), "hello")
	y := write(filepath.Join(b, "y.ts"), "world!")
	z := write(filepath.Join(a, "z.ts"), "")
	r := newContentReader()
	defer r.close()
	for _, c := range []struct {
		path, want string
		same, err  bool
	}{
		{x, "hello", true, false},
		{x, "hell", false, false},
		{x, "hello!", false, false},
		{y, "world!", true, false},
		{x, "hello", true, false},
		{z, "", true, false},
		{z, "x", false, false},
		{filepath.Join(a, "missing.ts"), "", false, false},
		{filepath.Join(root, "nodir", "x.ts"), "", false, false},
		{filepath.Join(a, "sub"), "", false, true},
		{y, "world", false, false},
	} {
		same, stamp, err := r.same(c.path, []byte(c.want))
		if same != c.same || (err != nil) != c.err {
			t.Errorf("same(%s, %q) = %v, %v; want %v, error %v", c.path, c.want, same, err, c.same, c.err)
		}
		// The stamp of the file read is the stamp a later stat sees.
		if st, ok := r.stamp(c.path); ok != (stamp != fileStamp{}) || st != stamp {
			t.Errorf("%s: stamp %+v (%v) after reading %+v", c.path, st, ok, stamp)
		}
	}
}
