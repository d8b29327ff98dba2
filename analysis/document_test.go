package analysis

import (
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const documentSource = `import { defineDurableObject } from '@cloudwerk/durable-object'
import { durableObjects } from '@cloudwerk/core/bindings'

export interface State { value: number; note: string } // é 中 😀

export default defineDurableObject<State>({
  sqlite: true,
  init() { return { value: 0, note: '' } },
  methods: {
    async increment(amount = 1, label?: string): Promise<number> {
      this.state.value += amount
      return this.state.value
    },
    peek: () => durableObjects.Counter.get(id).getValue(),
  },
})
`

// editSnippets are what random edits insert: syntax that opens and closes
// constructs, multi-byte text and newlines.
var editSnippets = []string{"", "x", " ", "\n", "(", ")", "{", "}", "'", ",", "😀", "é", "中", "async ",
	"m() {},", "n: () => 1,", "...s,", "\r\n", "name: 'a',", "/*", "*/", "<T>", ": number"}

func TestDocumentEditsMatchFreshExtraction(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, path := range []string{"app/objects/doc.ts", "app/objects/doc.tsx"} {
		randomEdits(t, rng, path, documentSource, editSnippets)
	}
}

// TestDocumentEditsLoneCR is the same with lone "\r" line ends, and edits that
// add and remove "\r" and "\n" next to them (turning "\r" into "\r\n" and back).
func TestDocumentEditsLoneCR(t *testing.T) {
	src := strings.ReplaceAll(documentSource, "\n", "\r")
	snippets := append([]string{"\r", "\n", "\r\n", "\r\r", ""}, editSnippets...)
	rng := rand.New(rand.NewSource(1))
	for _, path := range []string{"app/objects/doc.ts", "app/objects/doc.tsx"} {
		randomEdits(t, rng, path, src, snippets)
	}
}

// randomEdits applies 300 random edits to a Document of src and checks,
// every third edit, that the incremental extraction equals a fresh one.
func randomEdits(t *testing.T, rng *rand.Rand, path, src string, snippets []string) {
	t.Helper()
	doc := NewDocument(path, []byte(src))
	text := []byte(src)
	for step := 0; step < 300; step++ {
		start := rng.Intn(len(text) + 1)
		end := start + rng.Intn(min(8, len(text)-start)+1)
		// Keep edits on UTF-8 boundaries, as an LSP client's would be.
		for start > 0 && start < len(text) && text[start]&0xC0 == 0x80 {
			start--
		}
		for end < len(text) && text[end]&0xC0 == 0x80 {
			end++
		}
		insert := snippets[rng.Intn(len(snippets))]
		if err := doc.Edit(start, end, insert); err != nil {
			t.Fatalf("step %d: Edit(%d, %d): %v", step, start, end, err)
		}
		text = append(append(append([]byte(nil), text[:start]...), insert...), text[end:]...)
		if string(doc.Text()) != string(text) {
			t.Fatalf("step %d: text diverged", step)
		}
		// Several edits between parses are folded into one incremental parse.
		if step%3 != 0 {
			continue
		}
		got, want := doc.Definition(), ExtractDefinition(path, text)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("step %d (%s): incremental definition differs from a fresh extraction\n--- incremental\n%s--- fresh\n%s--- text\n%s",
				step, path, summarizeDefinition(got, text), summarizeDefinition(want, text), text)
		}
		if gotR, wantR := doc.Route(), ExtractRoute(path, text); !reflect.DeepEqual(gotR, wantR) {
			t.Fatalf("step %d: incremental route differs\n%s\n%s", step, summarizeRoute(gotR, text), summarizeRoute(wantR, text))
		}
	}
	doc.Close()
	doc.Close() // a second Close must not free the tree again
}

func TestDocumentEditValidation(t *testing.T) {
	doc := NewDocument("app/objects/v.ts", []byte("abc"))
	defer doc.Close()
	for _, r := range [][2]int{{-1, 0}, {2, 1}, {0, 4}, {4, 4}} {
		if err := doc.Edit(r[0], r[1], "zz"); err == nil {
			t.Errorf("Edit(%d, %d) accepted", r[0], r[1])
		}
	}
	if string(doc.Text()) != "abc" {
		t.Errorf("a refused edit changed the text: %q", doc.Text())
	}
	if err := doc.Edit(3, 3, "d"); err != nil || string(doc.Text()) != "abcd" {
		t.Errorf("append at the end: %v, %q", err, doc.Text())
	}
}

func TestDocumentLifecycle(t *testing.T) {
	src := []byte(simpleObject)
	doc := NewDocument("app/objects/l.ts", src)
	src[0] = 'X' // the document keeps its own copy
	if def := doc.Definition(); def.Export != ExportDefine {
		t.Fatalf("export = %v", def.Export)
	}
	// Becoming binary drops the tree; becoming text again parses from scratch.
	doc.SetText([]byte("\x00\x01"))
	if def := doc.Definition(); !strings.Contains(def.Skipped, "binary") {
		t.Errorf("Skipped = %q", def.Skipped)
	}
	if err := doc.Edit(0, 2, simpleObject); err != nil {
		t.Fatal(err)
	}
	if def := doc.Definition(); def.Skipped != "" || len(def.Methods) != 1 {
		t.Errorf("after recovery: skipped=%q methods=%d", def.Skipped, len(def.Methods))
	}
	doc.Close()
	if err := doc.Edit(0, 0, "x"); err == nil {
		t.Error("Edit after Close accepted")
	}
	if def := doc.Definition(); def.Skipped == "" {
		t.Error("Definition after Close must say the document is closed")
	}
}

// The demo app's object files extract without parse errors and with the
// methods their sources declare.
func TestDemoAppObjects(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "examples", "demo-app", "app", "objects", "*.ts"))
	if len(files) == 0 {
		t.Skip("demo app not present")
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		def := ExtractDefinition(f, src)
		if def.Skipped != "" || len(def.ParseErrors) > 0 || def.Export != ExportDefine || !def.ConfigIsLiteral {
			t.Errorf("%s: skipped=%q errors=%v export=%v", f, def.Skipped, def.ParseErrors, def.Export)
		}
		if strings.Contains(string(src), "methods:") && len(def.Methods) == 0 {
			t.Errorf("%s: no methods extracted", f)
		}
	}
}

func TestDemoAppConfig(t *testing.T) {
	root := filepath.Join("..", "examples", "demo-app")
	if _, err := os.Stat(root); err != nil {
		t.Skip("demo app not present")
	}
	cfg := ReadConfig(root)
	if !filepath.IsAbs(cfg.Root) || cfg.File == "" || len(cfg.Issues) != 0 || cfg.AppDir != "app" {
		t.Errorf("ReadConfig(demo-app) = %+v", cfg)
	}
}

func TestReadConfigWithoutFile(t *testing.T) {
	cfg := ReadConfig(t.TempDir())
	if cfg.File != "" || cfg.AppDir != DefaultAppDir || !reflect.DeepEqual(cfg.Extensions, DefaultExtensions()) || len(cfg.Issues) != 0 {
		t.Errorf("defaults = %+v", cfg)
	}
}
