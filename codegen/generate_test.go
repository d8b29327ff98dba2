package codegen

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

const counterSource = `import { defineDurableObject } from '@cloudwerk/durable-object'

export default defineDurableObject<{ value: number }>({
  init() {
    return { value: 0 }
  },
  methods: {
    async increment(by = 1) {
      this.state.value += by
      return this.state.value
    },
  },
})
`

// newTestApp writes object files (name -> source) under app/objects of a temp root.
func newTestApp(t testing.TB, objects map[string]string) string {
	t.Helper()
	t.Setenv(analysis.CacheEnv, "off")
	root := t.TempDir()
	dir := filepath.Join(root, "app", "objects")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, src := range objects {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func planApply(t *testing.T, root string, opts Options) []FileChange {
	t.Helper()
	changes, err := Plan(loadApp(t, root), opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := Apply(root, changes); err != nil {
		t.Fatal(err)
	}
	return changes
}

func changedPaths(root string, changes []FileChange) []string {
	var out []string
	for _, c := range changes {
		rel, _ := filepath.Rel(root, c.Path)
		if c.Delete {
			rel = "-" + rel
		}
		out = append(out, filepath.ToSlash(rel))
	}
	return out
}

var typesAndClasses = Options{Targets: TargetTypes | TargetClasses}

func TestPlanIsIdempotent(t *testing.T) {
	root := newTestApp(t, map[string]string{"counter.ts": counterSource, "chat-room.ts": counterSource})
	first := planApply(t, root, typesAndClasses)
	want := []string{
		".cloudwerk/generated/objects/ChatRoom.ts",
		".cloudwerk/generated/objects/Counter.ts",
		".cloudwerk/generated/objects/_runtime.ts",
		".cloudwerk/generated/objects/index.ts",
		".cloudwerk/types/durable-objects.d.ts",
	}
	if got := changedPaths(root, first); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("first plan = %v, want %v", got, want)
	}
	snapshot := readTree(t, filepath.Join(root, ".cloudwerk"))
	second, err := Plan(loadApp(t, root), typesAndClasses)
	if err != nil {
		t.Fatal(err)
	}
	if len(second) != 0 {
		t.Fatalf("second plan is not empty: %v", changedPaths(root, second))
	}
	if err := Apply(root, second); err != nil {
		t.Fatal(err)
	}
	if after := readTree(t, filepath.Join(root, ".cloudwerk")); after != snapshot {
		t.Fatal("a second run changed bytes")
	}
}

func TestPlanFollowsDefinitionChanges(t *testing.T) {
	root := newTestApp(t, map[string]string{"counter.ts": counterSource, "chat-room.ts": counterSource})
	planApply(t, root, typesAndClasses)

	// A new method changes the counter's class and the types, nothing else.
	edited := strings.Replace(counterSource, "methods: {", "methods: {\n    async reset() {},", 1)
	if err := os.WriteFile(filepath.Join(root, "app/objects/counter.ts"), []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	got := changedPaths(root, planApply(t, root, typesAndClasses))
	want := ".cloudwerk/generated/objects/Counter.ts .cloudwerk/types/durable-objects.d.ts"
	if strings.Join(got, " ") != want {
		t.Fatalf("after an edit: %v, want %s", got, want)
	}

	// Removing an object deletes its generated class; a user's own file stays.
	userFile := filepath.Join(root, ClassesDir, "Helper.ts")
	if err := os.WriteFile(userFile, []byte("export const x = 1;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(root, "app/objects/chat-room.ts")); err != nil {
		t.Fatal(err)
	}
	got = changedPaths(root, planApply(t, root, typesAndClasses))
	want = "-.cloudwerk/generated/objects/ChatRoom.ts .cloudwerk/generated/objects/index.ts .cloudwerk/types/durable-objects.d.ts"
	if strings.Join(got, " ") != want {
		t.Fatalf("after a removal: %v, want %s", got, want)
	}
	if _, err := os.Stat(filepath.Join(root, ClassesDir, "ChatRoom.ts")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("ChatRoom.ts still exists: %v", err)
	}
	if _, err := os.Stat(userFile); err != nil {
		t.Fatalf("the user's file was touched: %v", err)
	}
}

func TestPlanTargets(t *testing.T) {
	root := newTestApp(t, map[string]string{"counter.ts": counterSource})
	got := changedPaths(root, planApply(t, root, Options{Targets: TargetTypes}))
	if strings.Join(got, " ") != ".cloudwerk/types/durable-objects.d.ts" {
		t.Fatalf("--only types planned %v", got)
	}
	got = changedPaths(root, planApply(t, root, Options{Targets: TargetClasses}))
	if len(got) != 3 {
		t.Fatalf("--only classes planned %v", got)
	}
}

func TestParseTargets(t *testing.T) {
	tests := []struct {
		in   string
		want Target
		ok   bool
	}{
		{"types", TargetTypes, true},
		{"types,classes", TargetTypes | TargetClasses, true},
		{" wrangler , types ", TargetWrangler | TargetTypes, true},
		{"types,classes,wrangler", AllTargets, true},
		{"", 0, false},
		{",", 0, false},
		{"type", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseTargets(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseTargets(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestApplyRefusesConflicts(t *testing.T) {
	root := newTestApp(t, map[string]string{"counter.ts": counterSource})
	changes, err := Plan(loadApp(t, root), typesAndClasses)
	if err != nil {
		t.Fatal(err)
	}
	// Someone writes the types file after the plan was made.
	types := filepath.Join(root, TypesFile)
	if err := os.MkdirAll(filepath.Dir(types), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(types, []byte("// hand-written\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Apply(root, changes); !errors.Is(err, ErrConflict) {
		t.Fatalf("Apply = %v, want ErrConflict", err)
	}
	if data, _ := os.ReadFile(types); string(data) != "// hand-written\n" {
		t.Fatalf("the conflicting file was overwritten: %q", data)
	}
}

func TestApplyRefusesPathsOutsideRoot(t *testing.T) {
	root := t.TempDir()
	outside := filepath.Join(t.TempDir(), "x.ts")
	for _, path := range []string{outside, filepath.Join(root, "..", "x.ts")} {
		err := Apply(root, []FileChange{{Path: path, New: []byte("x")}})
		if !errors.Is(err, ErrOutsideRoot) {
			t.Errorf("Apply(%s) = %v, want ErrOutsideRoot", path, err)
		}
	}
	if _, err := os.Stat(outside); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("a file outside the root was written")
	}
}

// TestConcurrentGenerate runs several generate loops (plan, apply, re-plan on
// conflict) on one app at once: the lock keeps files whole and the end state is
// exactly the rendered output with no temp files left behind.
func TestConcurrentGenerate(t *testing.T) {
	objects := map[string]string{}
	for _, n := range []string{"a", "b", "c", "d", "e", "f"} {
		objects[n+".ts"] = counterSource
	}
	root := newTestApp(t, objects)
	app := loadApp(t, root)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for attempt := 0; attempt < 20; attempt++ {
				changes, err := Plan(app, typesAndClasses)
				if err != nil {
					errs <- err
					return
				}
				err = Apply(root, changes)
				if err == nil {
					return
				}
				if !errors.Is(err, ErrConflict) {
					errs <- err
					return
				}
			}
			errs <- errors.New("no attempt succeeded")
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for path, want := range Render(app, typesAndClasses.Targets) {
		got, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: not the rendered content (%v)", path, err)
		}
	}
	assertNoTempFiles(t, root)
}

func readTree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		b.WriteString(path + "\n" + string(data) + "\n")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func assertNoTempFiles(t *testing.T, root string) {
	t.Helper()
	filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".tmp-") {
			t.Errorf("temp file left behind: %s", path)
		}
		return nil
	})
}

// An up-to-date run writes nothing, not even the lock: an app without
// .cloudwerk/ (generate --only wrangler) does not get one.
func TestApplyNothingTakesNoLock(t *testing.T) {
	root := t.TempDir()
	if err := Apply(root, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, ".cloudwerk")); !os.IsNotExist(err) {
		t.Fatalf(".cloudwerk/ exists after an empty apply: %v", err)
	}
}
