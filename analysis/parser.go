// This file defines the tree-sitter grammars, the C allocator switch and the
// per-grammar parser pools every extraction goes through.

package analysis

/*
#include <stddef.h>

// Declared here rather than through tree_sitter/api.h so this package needs no
// include path into the module cache; the symbol comes from go-tree-sitter's C objects.
extern void ts_set_allocator(
	void *(*new_malloc)(size_t),
	void *(*new_calloc)(size_t, size_t),
	void *(*new_realloc)(void *, size_t),
	void (*new_free)(void *));

static void cw_use_c_malloc(void) { ts_set_allocator(NULL, NULL, NULL, NULL); }
*/
import "C"

import (
	"bytes"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	sitter "github.com/tree-sitter/go-tree-sitter"
	typescript "github.com/tree-sitter/tree-sitter-typescript/bindings/go"
)

// go-tree-sitter's init installs allocator callbacks that call back into Go for
// every C allocation (≈25% of parse time). Its default callbacks end in C.malloc
// and C.free, so memory allocated before this switch (none: no parser exists
// before package init finishes) and after it comes from the same heap and may be
// freed by either side. Package initialisation order guarantees go-tree-sitter's
// init has already run when this one does, so ours wins.
func init() { useCMalloc() }

func useCMalloc() { C.cw_use_c_malloc() }

// grammar is one tree-sitter language with the field ids the extractor asks for,
// looked up once (ChildByFieldName allocates a C string on every call).
type grammar struct {
	lang  *sitter.Language
	pool  sync.Pool // *sitter.Parser, one per goroutine at a time
	kinds []string  // node kind names by kind id: Node.Kind allocates a Go string per call
	// contextKinds classifies kind ids for the context-use walk (extract_context.go).
	contextKinds []byte

	fArguments, fFunction, fTypeArguments, fName, fValue, fKey, fParameters,
	fParameter, fReturnType, fPattern, fType, fBody, fObject, fProperty,
	fIndex, fSource, fDeclaration, fAlias, fKind, fArgument, fOperator, fLeft uint16
}

func newGrammar(ptr func() *sitter.Language) *grammar {
	l := ptr()
	g := &grammar{lang: l}
	g.kinds = make([]string, l.NodeKindCount())
	for id := range g.kinds {
		g.kinds[id] = l.NodeKindForId(uint16(id))
	}
	g.contextKinds = contextKindTable(g.kinds)
	id := func(name string) uint16 { return l.FieldIdForName(name) }
	g.fArguments, g.fFunction, g.fTypeArguments = id("arguments"), id("function"), id("type_arguments")
	g.fName, g.fValue, g.fKey = id("name"), id("value"), id("key")
	g.fParameters, g.fParameter, g.fReturnType = id("parameters"), id("parameter"), id("return_type")
	g.fPattern, g.fType, g.fBody = id("pattern"), id("type"), id("body")
	g.fObject, g.fProperty, g.fIndex = id("object"), id("property"), id("index")
	g.fSource, g.fDeclaration, g.fAlias, g.fKind = id("source"), id("declaration"), id("alias"), id("kind")
	g.fArgument, g.fOperator, g.fLeft = id("argument"), id("operator"), id("left")
	g.pool.New = func() any {
		p := sitter.NewParser()
		if err := p.SetLanguage(l); err != nil {
			// Only an ABI mismatch between the pinned modules gets here.
			panic("analysis: tree-sitter grammar: " + err.Error())
		}
		liveParsers.Add(1)
		// sync.Pool drops idle entries at GC; the C parser behind a dropped entry
		// must be freed then, or every GC cycle would leak parsers.
		runtime.SetFinalizer(p, func(p *sitter.Parser) {
			p.Close()
			liveParsers.Add(-1)
		})
		return p
	}
	return g
}

// liveParsers counts C parsers not yet freed (tests check pooled parsers are released).
var liveParsers atomic.Int64

var (
	grammarsOnce sync.Once
	grammarTS    *grammar
	grammarTSX   *grammar
)

func grammarFor(lang Lang) *grammar {
	grammarsOnce.Do(func() {
		grammarTS = newGrammar(func() *sitter.Language { return sitter.NewLanguage(typescript.LanguageTypescript()) })
		grammarTSX = newGrammar(func() *sitter.Language { return sitter.NewLanguage(typescript.LanguageTSX()) })
	})
	if lang == LangTSX {
		return grammarTSX
	}
	return grammarTS
}

// LangForPath picks the grammar from the extension: TSX for .tsx/.jsx, else TypeScript.
func LangForPath(path string) Lang {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".tsx", ".jsx":
		return LangTSX
	}
	return LangTS
}

// parseBudget and parseBudgetPerMiB bound one parse. Tree-sitter's error
// recovery is superlinear on hostile input (100,000 unclosed brackets take
// minutes); a file that needs longer is reported instead of stalling the server
// or CI. Ordinary text parses in linear time, so the budget grows with the size
// and a large legitimate file on a loaded machine is not cut off.
var (
	parseBudget       = 5 * time.Second
	parseBudgetPerMiB = 20 * time.Second
)

// budgetFor is the time allowed to parse n bytes.
func budgetFor(n int) time.Duration {
	return (parseBudget + time.Duration(float64(parseBudgetPerMiB)*float64(n)/(1<<20))).Round(time.Millisecond)
}

// readChunk is how much text one read callback hands to tree-sitter; the
// binding copies every chunk into C, so returning the whole rest of the text on
// each of an incremental parse's many reads would be quadratic.
const readChunk = 16 << 10

// lfChunk returns src[from:to] with every lone "\r" turned into "\n". The
// TypeScript grammar's scanner takes only "\n" as a line end when it inserts
// automatic semicolons, while JavaScript (and LSP) count a lone "\r" too; the
// swap keeps every byte offset, so ranges into src stay exact. A chunk without
// "\r" is returned as it is.
func lfChunk(src []byte, from, to int) []byte {
	chunk := src[from:to]
	if bytes.IndexByte(chunk, '\r') < 0 {
		return chunk
	}
	out := append([]byte(nil), chunk...)
	for i, c := range out {
		if c == '\r' && (from+i+1 >= len(src) || src[from+i+1] != '\n') {
			out[i] = '\n'
		}
	}
	return out
}

// parse parses src (re-using old, already edited, when non-nil) with a pooled
// parser. It returns nil when the parse ran out of budget. The caller owns the
// returned tree and must Close it.
func (g *grammar) parse(src []byte, old *sitter.Tree) *sitter.Tree {
	p := g.pool.Get().(*sitter.Parser)
	defer g.pool.Put(p)
	read := func(offset int, _ sitter.Point) []byte {
		if offset >= len(src) {
			return nil
		}
		return lfChunk(src, offset, min(offset+readChunk, len(src)))
	}
	// The budget is tree-sitter's own clock check (every 100 parse operations,
	// in C). A progress callback would do the same check from Go: a C-to-Go
	// call every 100 operations, each through go-tree-sitter's global pointer
	// registry lock (contended between workers), and a registry entry leaked
	// per parse. The timeout API is deprecated upstream but present in the
	// pinned v0.25; it is set on every parse since the parser is pooled.
	p.SetTimeoutMicros(uint64(budgetFor(len(src)).Microseconds())) //nolint:staticcheck // see above
	tree := p.ParseWithOptions(read, old, nil)
	if tree == nil {
		// A cancelled parse leaves state behind for resumption; drop it so the
		// pooled parser starts clean next time.
		p.Reset()
	}
	return tree
}
