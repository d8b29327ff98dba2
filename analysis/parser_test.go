package analysis

import (
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/textpos"
)

// Parsers dropped by the pool at GC are freed, not leaked.
func TestPooledParsersAreFreed(t *testing.T) {
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ExtractDefinition("app/objects/p.ts", []byte(simpleObject))
		}()
	}
	wg.Wait()
	before := liveParsers.Load()
	if before == 0 {
		t.Fatal("no parser was created")
	}
	deadline := time.Now().Add(10 * time.Second)
	for liveParsers.Load() >= before && time.Now().Before(deadline) {
		runtime.GC() // the first GC moves pool entries to the victim cache, the next drops them
		time.Sleep(10 * time.Millisecond)
	}
	if after := liveParsers.Load(); after >= before {
		t.Errorf("live parsers %d -> %d: pooled parsers are never freed", before, after)
	}
	// Extraction still works after the pool was emptied.
	if def := ExtractDefinition("app/objects/p.ts", []byte(simpleObject)); def.Export != ExportDefine {
		t.Errorf("export = %v", def.Export)
	}
}

// The cached kind names agree with Node.Kind for every node of both grammars,
// including ERROR and MISSING nodes.
func TestKindCacheMatchesNodeKind(t *testing.T) {
	for _, lang := range []Lang{LangTS, LangTSX} {
		src := []byte(benchObjectSource + documentSource + "\nconst x = <div>{1}</div>; export default {(")
		g := grammarFor(lang)
		tree := g.parse(src, nil)
		s := &syntax{g: g, src: src, idx: textpos.NewLineIndex(src)}
		c := tree.Walk()
		nodes := 0
		for ok := true; ok; {
			n := c.Node()
			if got, want := s.kind(n), n.Kind(); got != want {
				t.Errorf("lang %d: kind(%d) = %q, Node.Kind() = %q", lang, n.KindId(), got, want)
			}
			nodes++
			if c.GotoFirstChild() {
				continue
			}
			for !c.GotoNextSibling() {
				if !c.GotoParent() {
					ok = false
					break
				}
			}
		}
		c.Close()
		tree.Close()
		if nodes < 500 {
			t.Errorf("walked only %d nodes", nodes)
		}
	}
}
