// This file defines Document, the incrementally re-parsed text of one file the
// language server has open.

package analysis

import (
	"bytes"
	"fmt"
	"runtime"

	sitter "github.com/tree-sitter/go-tree-sitter"
)

// Document is the current text of one open file with its tree-sitter tree, so
// an edit re-parses only what changed. It is not safe for concurrent use: the
// owner (one goroutine per document, or a lock) serialises every call. Close
// releases the tree; the language server keeps trees only for open documents.
type Document struct {
	path  string
	g     *grammar
	text  []byte
	tree  *sitter.Tree // nil before the first parse, after Close, or while the text is not parseable
	dirty bool         // text changed since tree was last brought up to date
	// closed makes Close idempotent (a tree must never be freed twice).
	closed bool

	// prev is the last definition extracted and pending the edits made since,
	// for incremental extraction (document_incremental.go).
	prev        *Definition
	pending     []pendingEdit
	incremental int // definitions built incrementally (tests check the path is taken)

	// single remembers that the config key of handler unit key appears once
	// in the text prev was extracted from; valid only while prev is def (see
	// incrementalDefinition).
	single struct {
		def *Definition
		key string
	}
}

// NewDocument starts tracking src (copied) for path; the grammar follows the extension.
func NewDocument(path string, src []byte) *Document {
	d := &Document{
		path:  path,
		g:     grammarFor(LangForPath(path)),
		text:  append([]byte(nil), src...),
		dirty: true,
	}
	// A document dropped without Close still frees its C tree eventually.
	runtime.SetFinalizer(d, (*Document).Close)
	return d
}

// Path is the document's path.
func (d *Document) Path() string { return d.path }

// Text returns the current text. The caller must not modify it; it stays valid
// until the next Edit.
func (d *Document) Text() []byte { return d.text }

// Edit replaces the bytes [start, end) of the current text with newText. Offsets
// are byte offsets into the current text; a range outside it (or reversed) is
// refused with an error and the document is left untouched.
func (d *Document) Edit(start, end int, newText string) error {
	if d.closed {
		return fmt.Errorf("edit %s: document is closed", d.path)
	}
	if start < 0 || end < start || end > len(d.text) {
		return fmt.Errorf("edit %s: range [%d, %d) outside the text (length %d)", d.path, start, end, len(d.text))
	}
	// A "\r" just before the edit may turn from a lone line end into half of
	// "\r\n" (or back), which changes how the parser sees it: include it.
	if start > 0 && d.text[start-1] == '\r' {
		start--
		newText = "\r" + newText
	}
	startPt := pointAt(d.text, start)
	oldEndPt := pointAt(d.text, end)
	newEndPt := advancePoint(startPt, newText, end < len(d.text) && d.text[end] == '\n')

	d.noteEdit(d.text, start, end, newText)
	next := make([]byte, 0, len(d.text)-(end-start)+len(newText))
	next = append(next, d.text[:start]...)
	next = append(next, newText...)
	next = append(next, d.text[end:]...)
	d.text = next
	d.dirty = true

	if d.tree != nil {
		d.tree.Edit(&sitter.InputEdit{
			StartByte:      uint(start),
			OldEndByte:     uint(end),
			NewEndByte:     uint(start + len(newText)),
			StartPosition:  startPt,
			OldEndPosition: oldEndPt,
			NewEndPosition: newEndPt,
		})
	}
	return nil
}

// SetText replaces the whole text (a full-document sync); the next parse starts
// from scratch.
func (d *Document) SetText(src []byte) {
	if d.closed {
		return
	}
	d.text = append([]byte(nil), src...)
	d.dropTree()
	d.dirty = true
	d.prev, d.pending = nil, nil
}

// Definition re-parses (incrementally when possible) and extracts the object
// definition exactly as ExtractDefinition would for the current text.
// The result is shared with the next call (an incremental update copies it).
func (d *Document) Definition() *Definition {
	def := d.definition()
	d.prev, d.pending = def, nil
	return def
}

func (d *Document) definition() *Definition {
	def := &Definition{Path: d.path, Hash: hashSource(d.text), Fields: map[string]*Field{}}
	if d.closed {
		def.Skipped = "document is closed"
		return def
	}
	if why := screenSource(d.text); why != "" {
		d.dropTree()
		def.Skipped = why
		return def
	}
	tree, old := d.reparse()
	if old != nil {
		defer old.Close()
	}
	if tree == nil {
		def.Skipped = fmt.Sprintf("parsing took longer than %v; the file was not analysed", budgetFor(len(d.text)))
		return def
	}
	if inc := d.incrementalDefinition(tree, old, def.Hash); inc != nil {
		d.incremental++
		return inc
	}
	fillDefinition(def, d.g, d.text, tree)
	return def
}

// Route re-parses when needed and extracts route references exactly as
// ExtractRoute would for the current text.
func (d *Document) Route() *RouteFile {
	if d.closed || screenSource(d.text) != "" || !mayImportBindings(d.text) {
		return nil
	}
	tree := d.upToDateTree()
	if tree == nil {
		return nil
	}
	return extractRouteFromTree(d.path, d.g, d.text, tree)
}

// Close releases the tree. Calling it again, or any method after it, is harmless.
func (d *Document) Close() {
	if d.closed {
		return
	}
	d.dropTree()
	d.closed = true
}

// upToDateTree parses the current text, re-using the edited old tree.
func (d *Document) upToDateTree() *sitter.Tree {
	tree, old := d.reparse()
	if old != nil {
		old.Close()
	}
	return tree
}

// reparse is upToDateTree handing back the edited old tree it parsed from (nil
// when the tree was up to date or there was none); the caller closes it.
func (d *Document) reparse() (tree, old *sitter.Tree) {
	if !d.dirty && d.tree != nil {
		return d.tree, nil
	}
	next := d.g.parse(d.text, d.tree)
	old, d.tree = d.tree, next
	d.dirty = next == nil
	return next, old
}

func (d *Document) dropTree() {
	if d.tree != nil {
		d.tree.Close()
		d.tree = nil
	}
}

// pointAt is tree-sitter's point for a byte offset: the row counts line ends
// as the parser sees them ("\n", and a lone "\r", which parse hands over as
// "\n") and the column is in bytes.
func pointAt(text []byte, offset int) sitter.Point {
	before := text[:offset]
	if bytes.IndexByte(before, '\r') < 0 { // the common case, counted fast
		row := bytes.Count(before, []byte{'\n'})
		return sitter.Point{Row: uint(row), Column: uint(offset - (bytes.LastIndexByte(before, '\n') + 1))}
	}
	return advancePoint(sitter.Point{}, text[:offset], offset < len(text) && text[offset] == '\n')
}

// advancePoint is the point reached after s, starting at p. nextLF says whether
// the byte after s is "\n" (so a final "\r" is half of "\r\n", not a line end).
func advancePoint[T string | []byte](p sitter.Point, s T, nextLF bool) sitter.Point {
	for i := 0; i < len(s); i++ {
		lone := s[i] == '\r' && (i+1 < len(s) && s[i+1] != '\n' || i+1 == len(s) && !nextLF)
		if s[i] == '\n' || lone {
			p.Row++
			p.Column = 0
		} else {
			p.Column++
		}
	}
	return p
}
