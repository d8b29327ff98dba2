package analysis

import (
	"bytes"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	sitter "github.com/tree-sitter/go-tree-sitter"
	"golang.org/x/tools/txtar"
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

// The flat copy the extractors read (flat.go) agrees with go-tree-sitter's
// view of the same tree, node by node: kind names (including ERROR and
// MISSING nodes), byte ranges, flags, parents, every field lookup and the
// named descendant of every node's range.
func TestFlatCopyMatchesTree(t *testing.T) {
	var sources []string
	for _, pattern := range []string{"testdata/extract/*.txtar", "../diagnostics/testdata/corpus/*.txtar"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			ar, err := txtar.ParseFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, file := range ar.Files {
				sources = append(sources, string(file.Data))
			}
		}
	}
	if len(sources) < 20 {
		t.Fatalf("only %d sources", len(sources))
	}
	sources = append(sources, benchObjectSource, documentSource,
		benchObjectSource+documentSource+"\nconst x = <div>{1}</div>; export default {(",
		"f(a, /* c */ b); class A { get x() { return 1 } }; x = `a${b}c`; (a as any)!.b",
		strings.Repeat("[", 300)+strings.Repeat("(", 300), "export default defineDurableObject({ methods: { a(", "")
	total := 0
	for _, lang := range []Lang{LangTS, LangTSX} {
		g := grammarFor(lang)
		for _, text := range sources {
			total += checkFlatCopy(t, g, []byte(text))
		}
	}
	if total < 5000 {
		t.Errorf("compared only %d nodes", total)
	}
}

// checkFlatCopy compares the flat copy of src's tree with the tree and
// returns how many nodes it compared.
func checkFlatCopy(t *testing.T, g *grammar, src []byte) int {
	t.Helper()
	tree := g.parse(src, nil)
	defer tree.Close()
	s := newSyntax(g, src, tree.RootNode(), noPrune, noPrune)
	defer s.release()
	// Walk the tree in preorder, which is the copy's order.
	var nodes []*sitter.Node
	index := map[uintptr]int{}
	c := tree.Walk()
	for ok := true; ok; {
		n := c.Node()
		index[n.Id()] = len(nodes)
		nodes = append(nodes, n)
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
	if len(nodes) != len(s.nodes) {
		t.Fatalf("%.40q: the copy has %d nodes, the tree %d", src, len(s.nodes), len(nodes))
	}
	same := func(what string, i int, got *tnode, want *sitter.Node) {
		t.Helper()
		switch {
		case got == nil && want == nil:
		case got == nil || want == nil:
			t.Errorf("%.40q node %d (%s): %s = %v, tree says %v", src, i, nodes[i].Kind(), what, got != nil, want != nil)
		case int(s.index(got)) != index[want.Id()]:
			t.Errorf("%.40q node %d (%s): %s is node %d, tree says %d", src, i, nodes[i].Kind(), what, s.index(got), index[want.Id()])
		}
	}
	fields := uint16(g.lang.FieldCount())
	for i, want := range nodes {
		n := &s.nodes[i]
		if got := s.kind(n); got != want.Kind() {
			t.Errorf("%.40q node %d: kind %q, tree says %q", src, i, got, want.Kind())
		}
		if n.start != uint32(want.StartByte()) || n.end != uint32(want.EndByte()) || n.named() != want.IsNamed() ||
			n.missing() != want.IsMissing() || n.isError() != want.IsError() || n.hasError() != want.HasError() ||
			(n.flags&fExtra != 0) != want.IsExtra() || n.flags&fPruned != 0 {
			t.Errorf("%.40q node %d (%s): range or flags differ", src, i, want.Kind())
		}
		same("parent", i, s.parent(n), want.Parent())
		for f := uint16(0); f <= fields+1; f++ {
			w := want.ChildByFieldId(f)
			if w != nil && w.Parent().Id() != want.Id() {
				// A field of a hidden rule shown under an alias: tree-sitter
				// returns the alias's child (`-1` in a literal type); the
				// extractors never ask for those.
				if want.Kind() != "literal_type" {
					t.Errorf("%.40q node %d (%s): field %s is not a child", src, i, want.Kind(), g.lang.FieldNameForId(f))
				}
				continue
			}
			same("field "+g.lang.FieldNameForId(f), i, s.field(n, f), w)
		}
		same("named descendant", i, s.namedDescendant(n.start, n.end),
			tree.RootNode().NamedDescendantForByteRange(uint(n.start), uint(n.end)))
		var kids []*sitter.Node
		for k := uint(0); k < want.ChildCount(); k++ {
			kids = append(kids, want.Child(k))
		}
		k := 0
		for c := s.firstChild(n); c != nil; c = s.nextSibling(c) {
			if k < len(kids) {
				same("child", i, c, kids[k])
			}
			k++
		}
		if k != len(kids) {
			t.Errorf("%.40q node %d (%s): %d children, tree says %d", src, i, want.Kind(), k, len(kids))
		}
	}
	return len(nodes)
}

// A pruned copy (an incremental extraction's) keeps everything outside the
// pruned span and the kept span in full, keeps two levels of the rest, and
// flags any read below that so the caller can fall back to a full extraction.
func TestPrunedCopy(t *testing.T) {
	src := []byte(benchObjectSource)
	g := grammarFor(LangTS)
	tree := g.parse(src, nil)
	defer tree.Close()
	full := newSyntax(g, src, tree.RootNode(), noPrune, noPrune)
	defer full.release()
	cfgStart := bytes.Index(src, []byte("({")) + 1
	cfgEnd := bytes.LastIndex(src, []byte("})")) + 1
	keepStart := bytes.Index(src, []byte("async history"))
	keepEnd := bytes.LastIndexByte(src[:bytes.Index(src, []byte("join:"))], '}') + 1 // the method's end
	s := newSyntax(g, src, tree.RootNode(), [2]uint32{uint32(cfgStart), uint32(cfgEnd)}, [2]uint32{uint32(keepStart), uint32(keepEnd)})
	defer s.release()
	if len(s.nodes) >= len(full.nodes) {
		t.Fatalf("pruned copy has %d nodes, full %d", len(s.nodes), len(full.nodes))
	}
	type key struct {
		start, end uint32
		sym        uint16
	}
	inFull := map[key]bool{}
	for i := range full.nodes {
		n := &full.nodes[i]
		inFull[key{n.start, n.end, n.sym}] = true
	}
	pruned := 0
	for i := range s.nodes {
		n := &s.nodes[i]
		if !inFull[key{n.start, n.end, n.sym}] {
			t.Errorf("node %d (%s) is not in the full copy", i, s.kind(n))
		}
		outside := n.start < uint32(cfgStart) || n.end > uint32(cfgEnd) || (n.start <= uint32(keepEnd) && n.end >= uint32(keepStart))
		if n.flags&fPruned == 0 {
			continue
		}
		pruned++
		if outside {
			t.Errorf("node %d (%s) outside the pruned span is pruned", i, s.kind(n))
		}
		if s.prunedRead {
			t.Fatal("prunedRead set before any read below a pruned node")
		}
		if c := s.firstChild(n); c != nil || !s.prunedRead {
			t.Fatalf("reading below pruned node %d (%s): child %v, prunedRead %v", i, s.kind(n), c != nil, s.prunedRead)
		}
		s.prunedRead = false
	}
	if pruned == 0 {
		t.Error("nothing pruned")
	}
	// The kept unit reads the same as in the full copy.
	unit := s.namedDescendant(uint32(keepStart), uint32(keepEnd))
	fu := full.namedDescendant(uint32(keepStart), uint32(keepEnd))
	if unit == nil || fu == nil || unit.start != uint32(keepStart) || unit.next-s.index(unit) != fu.next-full.index(fu) {
		t.Errorf("the kept unit differs from the full copy's")
	}
}
