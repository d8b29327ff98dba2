package diagnostics

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/codegen"
)

const staleCounter = `import { defineDurableObject } from '@cloudwerk/durable-object'

export default defineDurableObject({
  methods: {
    async increment(by: number) {
      return by
    },
  },
})
`

// staleApp writes objects to a temp app and, when generate is set, runs generate
// for types and classes.
func staleApp(t *testing.T, objects map[string]string, generate bool) string {
	t.Helper()
	t.Setenv(analysis.CacheEnv, "off")
	root := t.TempDir()
	for name, src := range objects {
		path := filepath.Join(root, "app", "objects", name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if generate {
		opts := codegen.Options{Targets: codegen.TargetTypes | codegen.TargetClasses}
		changes, err := codegen.Plan(staleLoad(t, root), opts)
		if err != nil {
			t.Fatal(err)
		}
		if err := codegen.Apply(root, changes); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func staleLoad(t *testing.T, root string) *analysis.App {
	t.Helper()
	app, err := analysis.LoadApp(root)
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// staleSummary prints findings as "code path-relative-to-root message-start".
func staleSummary(root string, diags []Diagnostic) []string {
	var out []string
	for _, d := range diags {
		rel, _ := filepath.Rel(root, d.Path)
		out = append(out, string(d.Code)+" "+filepath.ToSlash(rel))
	}
	return out
}

func TestGeneratedStale(t *testing.T) {
	edited := strings.Replace(staleCounter, "methods: {", "methods: {\n    async reset() {},", 1)
	tests := []struct {
		name   string
		gen    bool
		mutate func(t *testing.T, root string)
		want   []string
	}{
		{name: "never generated: nothing to report", gen: false, want: nil},
		{name: "fresh output: nothing to report", gen: true, want: nil},
		{
			name: "definition changed after generate",
			gen:  true,
			mutate: func(t *testing.T, root string) {
				writeStaleFile(t, filepath.Join(root, "app/objects/counter.ts"), edited)
			},
			want: []string{
				"GENERATED_STALE .cloudwerk/generated/objects/Counter.ts",
				"GENERATED_STALE .cloudwerk/types/durable-objects.d.ts",
			},
		},
		{
			name: "class file missing: reported on the object file",
			gen:  true,
			mutate: func(t *testing.T, root string) {
				os.Remove(filepath.Join(root, codegen.ClassesDir, "Counter.ts"))
			},
			want: []string{"GENERATED_STALE app/objects/counter.ts"},
		},
		{
			name: "types file missing next to classes",
			gen:  true,
			mutate: func(t *testing.T, root string) {
				os.Remove(filepath.Join(root, codegen.TypesFile))
			},
			want: []string{"GENERATED_STALE .cloudwerk/types/durable-objects.d.ts"},
		},
		{
			name: "object removed: its class is a leftover",
			gen:  true,
			mutate: func(t *testing.T, root string) {
				os.Remove(filepath.Join(root, "app/objects/chat-room.ts"))
			},
			want: []string{
				"GENERATED_STALE .cloudwerk/generated/objects/ChatRoom.ts",
				"GENERATED_STALE .cloudwerk/generated/objects/index.ts",
				"GENERATED_STALE .cloudwerk/types/durable-objects.d.ts",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := staleApp(t, map[string]string{"counter.ts": staleCounter, "chat-room.ts": staleCounter}, tt.gen)
			if tt.mutate != nil {
				tt.mutate(t, root)
			}
			diags := generatedFindings(staleLoad(t, root))
			got := staleSummary(root, diags)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Fatalf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			for _, d := range diags {
				if d.Severity != Warning || d.Message == "" {
					t.Errorf("%s: severity %v, message %q", d.Path, d.Severity, d.Message)
				}
				if len(d.Fixes) != 1 || d.Fixes[0].Command != GenerateCommand || d.Fixes[0].Args[0] != root {
					t.Errorf("%s: want one fix running %s for the app, got %+v", d.Path, GenerateCommand, d.Fixes)
				}
			}
		})
	}
}

func TestGeneratedStaleRangeOnExistingFile(t *testing.T) {
	root := staleApp(t, map[string]string{"counter.ts": staleCounter}, true)
	writeStaleFile(t, filepath.Join(root, codegen.TypesFile), "// edited by hand\nexport {}\n")
	diags := generatedFindings(staleLoad(t, root))
	if len(diags) != 1 {
		t.Fatalf("want one finding, got %d", len(diags))
	}
	r := diags[0].Range
	if r.Start.Offset != 0 || int(r.End.Offset) != len("// edited by hand") || int(r.End.Col16) != len("// edited by hand") {
		t.Fatalf("range %+v, want the first line", r)
	}
}

func writeStaleFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
