package analysis

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

const simpleObject = `import { defineDurableObject } from '@cloudwerk/durable-object'
export default defineDurableObject({ methods: { inc(by = 1) { return by } } })
`

func TestExtractBadInput(t *testing.T) {
	huge := bytes.Repeat([]byte("// padding line for a very large file\n"), (10<<20)/38+1)
	tests := []struct {
		name string
		src  []byte
		want string // substring of Skipped
	}{
		{"non-UTF-8 (Latin-1)", []byte("// caf\xe9\n" + simpleObject), "not valid UTF-8 (first invalid byte at line 1, byte offset 6)"},
		{"binary", append([]byte("\x7fELF\x02\x01"), 0, 0, 1), "binary file (NUL byte at offset 6)"},
		{"10 MB", append(huge, simpleObject...), "too large"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			def := ExtractDefinition("app/objects/bad.ts", tc.src)
			if !strings.Contains(def.Skipped, tc.want) {
				t.Fatalf("Skipped = %q, want it to contain %q", def.Skipped, tc.want)
			}
			if def.Export != ExportNone || len(def.Methods) != 0 || def.Hash == "" {
				t.Errorf("a skipped file must carry no facts but its hash: %+v", def)
			}
			if rf := ExtractRoute("app/routes/bad.ts", tc.src); rf != nil {
				t.Errorf("ExtractRoute on unparseable input = %+v, want nil", rf)
			}
			doc := NewDocument("app/objects/bad.ts", tc.src)
			defer doc.Close()
			if got := doc.Definition(); got.Skipped != def.Skipped {
				t.Errorf("Document.Definition().Skipped = %q, want %q", got.Skipped, def.Skipped)
			}
		})
	}
}

// A file just under the limit is still parsed.
func TestExtractLargeButAllowed(t *testing.T) {
	pad := bytes.Repeat([]byte("// x\n"), (MaxSourceSize-len(simpleObject))/5)
	src := append(pad, simpleObject...)
	def := ExtractDefinition("app/objects/big.ts", src)
	if def.Skipped != "" || def.Export != ExportDefine || len(def.Methods) != 1 {
		t.Fatalf("got Skipped=%q Export=%v methods=%d", def.Skipped, def.Export, len(def.Methods))
	}
	if got := int(def.Methods[0].NameAt.Start.Line); got != len(pad)/5+1 {
		t.Errorf("method line = %d, want %d", got, len(pad)/5+1)
	}
}

// 100,000 levels of nesting must not exhaust any stack: the walks are iterative.
func TestExtractDeepNesting(t *testing.T) {
	const depth = 100000
	deep := func(open, mid, close string) string {
		return strings.Repeat(open, depth) + mid + strings.Repeat(close, depth)
	}
	t.Run("parens in a default value", func(t *testing.T) {
		src := `import { defineDurableObject } from '@cloudwerk/durable-object'
export default defineDurableObject({ methods: { m(x = ` + deep("(", "1", ")") + `) {} } })`
		def := ExtractDefinition("app/objects/deep.ts", []byte(src))
		checkRanges(t, "deep.ts", []byte(src), def, nil)
		if def.Skipped != "" || len(def.Methods) != 1 || len(def.Methods[0].Params) != 1 || def.Methods[0].Params[0].Default == "" {
			t.Errorf("deep default value not extracted: skipped=%q methods=%+v", def.Skipped, def.Methods)
		}
	})
	routes := map[string]string{
		"arrays in a route":    "export const x = " + deep("[", "durableObjects.Counter.get(id).inc()", "]"),
		"functions in a route": "export const f = " + deep("() => ", "durableObjects.Counter.get(id).inc()", ""),
	}
	for name, body := range routes {
		t.Run(name, func(t *testing.T) {
			src := []byte("import { durableObjects } from '@cloudwerk/core/bindings'\n" + body)
			rf := ExtractRoute("app/routes/deep.ts", src)
			checkRanges(t, name, src, nil, rf)
			if rf == nil || len(rf.Refs) != 3 || rf.Refs[1].Kind != RefNamespaceMember || rf.Refs[2].Kind != RefStubMethod || rf.Refs[2].Method != "inc" {
				t.Errorf("deep route refs = %+v", rf)
			}
		})
	}
	t.Run("unclosed brackets", func(t *testing.T) {
		// Tree-sitter's error recovery is superlinear here: the parse budget must
		// end it with a clear reason instead of stalling.
		defer func(base, perMiB time.Duration) { parseBudget, parseBudgetPerMiB = base, perMiB }(parseBudget, parseBudgetPerMiB)
		parseBudget, parseBudgetPerMiB = 300*time.Millisecond, 0
		src := []byte("export default " + strings.Repeat("{(", depth))
		start := time.Now()
		def := ExtractDefinition("app/objects/deep.ts", src)
		checkRanges(t, "unclosed", src, def, nil)
		if def.Skipped == "" && def.Export == ExportDefine {
			t.Errorf("unclosed brackets cannot be a definition: %+v", def)
		}
		if def.Skipped != "" && !strings.Contains(def.Skipped, "parsing took longer than") {
			t.Errorf("Skipped = %q", def.Skipped)
		}
		if d := time.Since(start); d > 20*parseBudget {
			t.Errorf("extraction took %v with a budget of %v", d, parseBudget)
		}
		// The pooled parser was reset and still works.
		if got := ExtractDefinition("app/objects/ok.ts", []byte(simpleObject)); got.Export != ExportDefine {
			t.Errorf("parser unusable after a cancelled parse: %+v", got)
		}
	})
}

// Parsers come from a pool and trees are per call, so extraction is safe from
// many goroutines at once (run with -race).
func TestExtractConcurrent(t *testing.T) {
	want := summarizeDefinition(ExtractDefinition("app/objects/c.ts", []byte(simpleObject)), []byte(simpleObject))
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				path := "app/objects/c.ts"
				if j%2 == 1 {
					path = "app/objects/c.tsx"
				}
				if got := summarizeDefinition(ExtractDefinition(path, []byte(simpleObject)), []byte(simpleObject)); got != want {
					t.Errorf("goroutine %d: got\n%s\nwant\n%s", i, got, want)
					return
				}
			}
		}(i)
	}
	wg.Wait()
}

func TestScreenSourceAcceptsBOMAndEmpty(t *testing.T) {
	for _, src := range []string{"", "\uFEFF" + simpleObject} {
		if why := screenSource([]byte(src)); why != "" {
			t.Errorf("screenSource(%q) = %q", src[:min(len(src), 10)], why)
		}
	}
	def := ExtractDefinition("app/objects/bom.ts", []byte("\uFEFF"+simpleObject))
	if def.Export != ExportDefine || len(def.Methods) != 1 {
		t.Errorf("a UTF-8 BOM must not hide the definition: export=%v methods=%d errors=%v", def.Export, len(def.Methods), def.ParseErrors)
	}
}
