package analysis

import (
	"testing"
	"unsafe"
)

// TestModelSizes keeps the per-object facts compact: a server holds every
// position and context use of every object file (tens per file), so a field
// widened by accident shows up here rather than as hundreds of MB at 100,000
// objects.
func TestModelSizes(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"Pos", unsafe.Sizeof(Pos{}), 12},
		{"Range", unsafe.Sizeof(Range{}), 24},
		{"ContextUse", unsafe.Sizeof(ContextUse{}), 88},
		{"Field", unsafe.Sizeof(Field{}), 112},
		{"Method", unsafe.Sizeof(Method{}), 112},
		{"Param", unsafe.Sizeof(Param{}), 56},
	} {
		if c.got > c.want {
			t.Errorf("%s is %d bytes, more than %d", c.name, c.got, c.want)
		}
	}
}
