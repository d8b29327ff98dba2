package codegen

import (
	"path/filepath"
	"testing"
)

func TestDiff(t *testing.T) {
	root := filepath.FromSlash("/app")
	changes := []FileChange{
		{Path: filepath.Join(root, "a.ts"), Exists: true, Old: []byte("one\ntwo\nthree\n"), New: []byte("one\n2\nthree\n")},
		{Path: filepath.Join(root, "new.ts"), New: []byte("fresh\n")},
		{Path: filepath.Join(root, "old.ts"), Exists: true, Old: []byte("stale"), Delete: true},
	}
	want := `--- a/a.ts
+++ b/a.ts
@@ -1,3 +1,3 @@
 one
-two
+2
 three
--- /dev/null
+++ b/new.ts
@@ -0,0 +1 @@
+fresh
--- a/old.ts
+++ /dev/null
@@ -1 +0,0 @@
-stale
\ No newline at end of file
`
	if got := Diff(root, changes); got != want {
		t.Fatalf("Diff:\n%s\nwant:\n%s", got, want)
	}
	if got := Diff(root, nil); got != "" {
		t.Fatalf("Diff of nothing = %q", got)
	}
}
