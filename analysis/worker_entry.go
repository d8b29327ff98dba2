// This file reads the Worker entry (`main` of the wrangler file) statically:
// which names it exports, following `export * from './x'` through relative
// modules, and whether it re-exports the generated classes folder. wrangler
// refuses a bundle whose entry does not export a class a binding names
// (ENTRY_EXPORT_MISSING), and the entry is where that is fixed.

package analysis

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/safefs"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/textpos"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/wrangler"
)

// GeneratedObjectsDir is the folder of the generated classes, relative to the app root.
const GeneratedObjectsDir = ".cloudwerk/generated/objects"

// WorkerEntry is what the Worker entry exports, as far as it is statically known.
type WorkerEntry struct {
	Path string // absolute
	Main string // as written in the wrangler file
	// Source says the entry is a source file of the workspace: it exists, lies
	// inside the app's repository and is not ignored by git (a build output
	// such as dist/index.js is not checked and never edited).
	Source  bool
	Exports []string // exported names, sorted (through `export *` of relative modules)
	// Generated says the entry re-exports the generated classes folder
	// (`export * from './.cloudwerk/generated/objects'`): every generated class.
	Generated bool
	// Open says an `export *` names a module that cannot be read (a package, a
	// missing file): the entry may export more than Exports.
	Open bool
	// InsertAt is where a new export line goes: after the last import or
	// re-export at the top of the file (line start), else the file's start.
	InsertAt textpos.Pos
}

// Exports reports whether the entry exports name (or may: Open).
func (w *WorkerEntry) ExportsName(name string) bool {
	_, found := slices.BinarySearch(w.Exports, name)
	return found || w.Open
}

// maxEntryDepth bounds how far `export * from` chains are followed.
const maxEntryDepth = 6

// ReadWorkerEntry reads the entry named by w's `main` for the app at root; nil
// when there is no wrangler file, no main, or the file does not exist.
func ReadWorkerEntry(root string, w *wrangler.Config, ignore *GitIgnore) *WorkerEntry {
	if w == nil || w.Main == "" {
		return nil
	}
	path := filepath.Clean(filepath.Join(filepath.Dir(w.Path), filepath.FromSlash(w.Main)))
	if filepath.IsAbs(w.Main) {
		path = filepath.Clean(w.Main)
	}
	info, err := safefs.Stat(path)
	if err != nil || !info.Mode().IsRegular() {
		return nil
	}
	e := &WorkerEntry{Path: path, Main: w.Main}
	if ignore == nil {
		ignore = NewGitIgnore()
	}
	repo := repoRoot(root)
	if repo == "" {
		repo = root
	}
	e.Source = safefs.Within(repo, path) && !ignore.Ignored(path)
	names := map[string]bool{}
	r := entryReader{root: root, names: names, seen: map[string]bool{}, entry: e}
	r.read(path, 0, true)
	for n := range names {
		e.Exports = append(e.Exports, n)
	}
	slices.Sort(e.Exports)
	return e
}

type entryReader struct {
	root  string
	names map[string]bool
	seen  map[string]bool
	entry *WorkerEntry
}

// read collects the exports of the module at path (depth: how many `export *`
// hops led here; top: the entry itself, whose insertion point is recorded).
func (r *entryReader) read(path string, depth int, top bool) {
	if r.seen[path] || depth > maxEntryDepth {
		return
	}
	r.seen[path] = true
	info, err := safefs.Stat(path)
	if err != nil || !info.Mode().IsRegular() || info.Size() > MaxSourceSize {
		r.entry.Open = true
		return
	}
	src, err := safefs.ReadFileSized(path, info.Size())
	if err != nil || screenSource(src) != "" {
		r.entry.Open = true
		return
	}
	lang := LangTS
	if ext := filepath.Ext(path); ext == ".tsx" || ext == ".jsx" {
		lang = LangTSX
	}
	g := grammarFor(lang)
	tree := g.parse(src, nil)
	if tree == nil {
		r.entry.Open = true
		return
	}
	defer tree.Close()
	s := newSyntax(g, src, tree.RootNode(), noPrune, noPrune)
	defer s.release()
	insert, leading := 0, true // the new line goes after the imports and re-exports that open the file
	for _, stmt := range s.namedChildren(s.root()) {
		kind := s.kind(stmt)
		fromModule := kind == "import_statement" || kind == "export_statement" && s.field(stmt, g.fSource) != nil
		switch {
		case leading && fromModule:
			insert = lineAfter(src, int(stmt.end))
		case kind != "comment":
			leading = false
		}
		if kind == "export_statement" {
			r.exportStatement(s, stmt, path, depth)
		}
	}
	if top {
		r.entry.InsertAt = s.idx.Pos(insert)
	}
}

// reexportsAll reports `export * from '...'`.
func (s *syntax) reexportsAll(stmt *tnode) bool {
	if s.field(stmt, s.g.fSource) == nil {
		return false
	}
	for c := s.firstChild(stmt); c != nil; c = s.nextSibling(c) {
		if !c.named() && s.kind(c) == "*" {
			return true
		}
	}
	return false
}

// exportStatement records the names one export statement adds.
func (r *entryReader) exportStatement(s *syntax, stmt *tnode, path string, depth int) {
	if decl := s.field(stmt, s.g.fDeclaration); decl != nil {
		switch s.kind(decl) {
		case "lexical_declaration", "variable_declaration":
			for _, d := range s.namedChildren(decl) {
				if name := s.field(d, s.g.fName); name != nil && s.kind(d) == "variable_declarator" && s.kind(name) == "identifier" {
					r.names[s.text(name)] = true
				}
			}
		default:
			if name := s.field(decl, s.g.fName); name != nil {
				r.names[s.text(name)] = true
			}
		}
		return
	}
	src := s.field(stmt, s.g.fSource)
	for _, c := range s.namedChildren(stmt) {
		switch s.kind(c) {
		case "export_clause":
			for _, spec := range s.namedChildren(c) {
				if s.kind(spec) != "export_specifier" {
					continue
				}
				name := s.field(spec, s.g.fName)
				if alias := s.field(spec, s.g.fAlias); alias != nil {
					name = alias
				}
				if name != nil {
					n := s.text(name)
					if s.kind(name) == "string" {
						n = s.stringValue(name)
					}
					r.names[n] = true
				}
			}
			return
		case "namespace_export": // export * as ns from '...'
			if id := s.firstNamed(c); id != nil {
				r.names[s.text(id)] = true
			}
			return
		}
	}
	if src == nil || !s.reexportsAll(stmt) {
		return
	}
	spec := s.stringValue(src)
	target, ok := resolveModule(filepath.Dir(path), spec)
	if !ok {
		r.entry.Open = true
		return
	}
	if target == filepath.Join(r.root, filepath.FromSlash(GeneratedObjectsDir)) ||
		strings.TrimSuffix(target, filepath.Ext(target)) == filepath.Join(r.root, filepath.FromSlash(GeneratedObjectsDir), "index") {
		// What generate writes there is what it is for: every generated class.
		r.entry.Generated = true
		return
	}
	r.read(target, depth+1, false)
}

// moduleExtensions are tried, in order, for an extensionless relative import.
var moduleExtensions = []string{".ts", ".tsx", ".mts", ".js", ".mjs", ".jsx"}

// resolveModule resolves a relative module specifier from dir: the file itself,
// with an extension added, a `.js` written for a `.ts` file, or a folder's index.
// A folder that does not exist (yet) resolves to itself. Bare specifiers
// (packages) do not resolve.
func resolveModule(dir, spec string) (string, bool) {
	if !strings.HasPrefix(spec, "./") && !strings.HasPrefix(spec, "../") && spec != "." && spec != ".." {
		return "", false
	}
	base := filepath.Join(dir, filepath.FromSlash(spec))
	isFile := safefs.IsFile
	if isFile(base) {
		return base, true
	}
	if ext := filepath.Ext(base); ext == ".js" || ext == ".mjs" || ext == ".jsx" {
		stem := strings.TrimSuffix(base, ext)
		for _, e := range []string{".ts", ".mts", ".tsx"} {
			if isFile(stem + e) {
				return stem + e, true
			}
		}
	}
	for _, e := range moduleExtensions {
		if isFile(base + e) {
			return base + e, true
		}
	}
	for _, e := range moduleExtensions {
		if isFile(filepath.Join(base, "index"+e)) {
			return filepath.Join(base, "index"+e), true
		}
	}
	if _, err := safefs.Stat(base); os.IsNotExist(err) && strings.HasSuffix(filepath.ToSlash(base), GeneratedObjectsDir) {
		return base, true // not generated yet
	}
	return "", false
}

// lineAfter returns the start of the line after the one holding off-1.
func lineAfter(src []byte, off int) int {
	for off < len(src) && src[off] != '\n' {
		off++
	}
	if off < len(src) {
		off++
	}
	return off
}
