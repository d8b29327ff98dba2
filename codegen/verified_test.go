package codegen

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

// TestVerifiedSkipsOnlyWhatIsUnchanged: once a plan found the generated files
// up to date, the next plan renders none of them; every change a plan without
// the record would see (a hand edit of the same size, even with the mtime set
// back; a changed definition; a deleted file; a new object) is still seen.
func TestVerifiedSkipsOnlyWhatIsUnchanged(t *testing.T) {
	window := 50 * time.Millisecond
	defer func(w int64) { racyWindow = w }(racyWindow)
	racyWindow = int64(window)

	root := newTestApp(t, map[string]string{"counter.ts": counterSource, "chat-room.ts": counterSource})
	t.Setenv(analysis.CacheEnv, t.TempDir())
	planApply(t, root, Options{Targets: TargetTypes | TargetClasses})
	time.Sleep(2 * window) // the files leave the racy window of the next run

	plan := func() []string {
		t.Helper()
		changes, err := Plan(loadApp(t, root), Options{Targets: TargetTypes | TargetClasses})
		if err != nil {
			t.Fatal(err)
		}
		return changedPaths(root, changes)
	}
	rendered := func(f func() []string) ([]string, int64) {
		before := renderedFiles.Load()
		got := f()
		return got, renderedFiles.Load() - before
	}
	const files = 5 // types, runtime, index, two classes
	if got, n := rendered(plan); len(got) != 0 || n != files {
		t.Fatalf("first plan: changes %v, rendered %d, want none and %d", got, n, files)
	}
	if got, n := rendered(plan); len(got) != 0 || n != 0 {
		t.Fatalf("second plan: changes %v, rendered %d, want none and 0", got, n)
	}

	class := filepath.Join(root, ClassesDir, "Counter.ts")
	old, err := os.ReadFile(class)
	if err != nil {
		t.Fatal(err)
	}
	info, _ := os.Stat(class)
	edited := bytes.Replace(old, []byte("extends DurableObject"), []byte("extends DurableObjecT"), 1)
	if err := os.WriteFile(class, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(class, info.ModTime(), info.ModTime()); err != nil { // same size, same mtime
		t.Fatal(err)
	}
	if got, n := rendered(plan); strings.Join(got, " ") != ClassesDir+"/Counter.ts" || n != 1 {
		t.Errorf("after a hand edit: changes %v, rendered %d, want the class alone", got, n)
	}
	planApply(t, root, Options{Targets: TargetTypes | TargetClasses})

	src := filepath.Join(root, "app", "objects", "counter.ts")
	if err := os.WriteFile(src, []byte(strings.Replace(counterSource, "increment", "add", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := plan(); strings.Join(got, " ") != ".cloudwerk/generated/objects/Counter.ts .cloudwerk/types/durable-objects.d.ts" {
		t.Errorf("after a definition change: changes %v", got)
	}
	planApply(t, root, Options{Targets: TargetTypes | TargetClasses})
	time.Sleep(2 * window)
	plan() // verifies the new files
	if got, n := rendered(plan); len(got) != 0 || n != 0 {
		t.Fatalf("after regenerating: changes %v, rendered %d", got, n)
	}

	if err := os.Remove(filepath.Join(root, ClassesDir, "ChatRoom.ts")); err != nil {
		t.Fatal(err)
	}
	if got := plan(); strings.Join(got, " ") != ClassesDir+"/ChatRoom.ts" {
		t.Errorf("after deleting a class file: changes %v", got)
	}
	if err := os.WriteFile(filepath.Join(root, "app", "objects", "rate-limiter.ts"), []byte(counterSource), 0o644); err != nil {
		t.Fatal(err)
	}
	got := plan()
	for _, want := range []string{ClassesDir + "/ChatRoom.ts", ClassesDir + "/RateLimiter.ts", ClassesDir + "/index.ts", TypesFile} {
		if !strings.Contains(strings.Join(got, " "), want) {
			t.Errorf("after adding an object: changes %v lack %s", got, want)
		}
	}
}

// TestVerifiedRecordsRoundTrip: the file decodes to what was written, and a
// record of another build, another root or a damaged file is not used.
func TestVerifiedRecordsRoundTrip(t *testing.T) {
	recs := map[string]verifiedRecord{
		"/app/a.ts": {Stamp: fileStamp{Size: 10, MTime: 11, CTime: 12, Ino: 13, Dev: 14}, Key: inputKey{1, 2, 3}},
		"/app/b.ts": {Stamp: fileStamp{Size: 1 << 40, MTime: -5}, Key: inputKey{31: 9}},
	}
	var buf bytes.Buffer
	encodeVerified(&buf, "build", "/app", 42, recs)
	started, got, err := decodeVerified(buf.Bytes(), "build", "/app")
	if err != nil || started != 42 || len(got) != 2 || got["/app/a.ts"] != recs["/app/a.ts"] || got["/app/b.ts"] != recs["/app/b.ts"] {
		t.Fatalf("round trip: %d %v %v", started, got, err)
	}
	for name, data := range map[string][]byte{
		"other build": buf.Bytes(),
		"truncated":   buf.Bytes()[:buf.Len()-1],
		"extra byte":  append(bytes.Clone(buf.Bytes()), 0),
		"empty":       nil,
	} {
		key := "build"
		if name == "other build" {
			key = "other"
		}
		if _, recs, err := decodeVerified(data, key, "/app"); err == nil || recs != nil {
			t.Errorf("%s: decoded %v", name, recs)
		}
	}
	if _, _, err := decodeVerified(buf.Bytes(), "build", "/other"); err == nil {
		t.Error("records of another root were used")
	}
}
