// This file defines how file contents (from the editor or from disk) become
// snapshot facts: loading apps, and replacing one file's facts at a time.
package lsp

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

// docState is the mutable parse state of one open document: its text and the
// engine's incrementally re-parsed Document. Only writers holding Server.mu
// touch it; snapshots never reference it.
type docState struct {
	text string
	doc  *analysis.Document
}

// addApp loads (or reloads) the app at root from disk, applies the open
// documents inside it and schedules a full diagnostics pass for it.
func (s *Server) addApp(root string) {
	app := loadApp(root)
	if app == nil {
		s.removeApp(root)
		return
	}
	s.mu.Lock()
	s.updateLocked(func(cur *snapshot) *snapshot {
		n := cur.withApp(&appState{app: app})
		for path := range cur.open {
			if a := n.appFor(path); a != nil && a.app.Root == root {
				if d := s.docs[path]; d != nil {
					n, _ = n.withDocument(path, d.doc)
				}
			}
		}
		return n
	})
	s.mu.Unlock()
	s.diag.scheduleApp(root)
}

// removeApp drops the app at root and clears its diagnostics.
func (s *Server) removeApp(root string) {
	s.update(func(cur *snapshot) *snapshot { return cur.withoutApp(root) })
	s.diag.scheduleApp(root)
}

// change says what a content change invalidated.
type change struct {
	appRoot string // app needing a full pass ("" when none)
	file    string // file needing its own findings recomputed ("" when none)
}

// withContent returns a snapshot where path's facts come from src, and what
// must be re-diagnosed. Files outside any app, and files that are neither
// objects nor routes, change nothing.
func (s *snapshot) withContent(path string, src []byte) (*snapshot, change) {
	return s.withFacts(path,
		func() *analysis.Definition { return extractObject(path, src) },
		func() *analysis.RouteFile { return extractRoute(path, src) })
}

// withDocument is withContent for an open document: its facts come from the
// document's incremental re-parse.
func (s *snapshot) withDocument(path string, doc *analysis.Document) (*snapshot, change) {
	return s.withFacts(path, doc.Definition, doc.Route)
}

// withFacts replaces path's facts with what object or route extracts
// (whichever the file is).
func (s *snapshot) withFacts(path string, object func() *analysis.Definition, route func() *analysis.RouteFile) (*snapshot, change) {
	a := s.appFor(path)
	if a == nil {
		return s, change{}
	}
	root := a.app.Root
	switch {
	case isObjectFile(a.app, path):
		e := newEntry(path, object())
		old := a.entry(path)
		na, namesChanged := a.withEntry(e)
		n := s.withApp(na)
		if namesChanged || old == nil || shapeKey(old.Def) != shapeKey(e.Def) {
			return n, change{appRoot: root}
		}
		return n, change{file: path}
	case isSourceFile(path) && !within(a.app.ObjectsDir, path):
		r := route()
		old := a.route(path)
		if r == nil && old == nil {
			return s, change{}
		}
		n := s.withApp(a.withRoute(path, r))
		if (r == nil) != (old == nil) {
			return n, change{appRoot: root}
		}
		return n, change{file: path}
	}
	return s, change{}
}

// withoutFile returns a snapshot where path no longer exists.
func (s *snapshot) withoutFile(path string) (*snapshot, change) {
	a := s.appFor(path)
	if a == nil {
		return s, change{}
	}
	if a.entry(path) != nil {
		return s.withApp(a.withoutEntry(path)), change{appRoot: a.app.Root}
	}
	if a.route(path) != nil {
		return s.withApp(a.withRoute(path, nil)), change{appRoot: a.app.Root}
	}
	return s, change{}
}

// isSourceFile reports whether path has a JavaScript or TypeScript extension.
func isSourceFile(path string) bool {
	switch filepath.Ext(path) {
	case ".ts", ".tsx", ".js", ".jsx", ".mjs":
		return !strings.HasSuffix(path, ".d.ts")
	}
	return false
}

// isAppConfigFile reports whether a change to path reshapes the whole app:
// cloudwerk.config.* and wrangler files.
func isAppConfigFile(path string) bool {
	switch filepath.Base(path) {
	case "cloudwerk.config.ts", "cloudwerk.config.js", "cloudwerk.config.mjs",
		"wrangler.toml", "wrangler.json", "wrangler.jsonc":
		return true
	}
	return false
}

// diskChanged updates the snapshot after path changed on disk (created,
// changed or deleted). Open documents are authoritative and are left alone.
func (s *Server) diskChanged(path string) {
	cur := s.snap.Load()
	if _, open := cur.open[path]; open {
		return
	}
	if isAppConfigFile(path) {
		if a := cur.appFor(path); a != nil && filepath.Dir(path) == a.app.Root {
			s.addApp(a.app.Root)
			return
		}
		if _, err := os.Stat(path); err == nil && cur.inWorkspace(path) && isAppRoot(filepath.Dir(path)) {
			s.addApp(filepath.Dir(path))
			return
		}
	}
	if a := cur.appFor(path); a != nil && a.app.Root == path {
		if _, err := os.Stat(path); err != nil {
			s.removeApp(path)
			return
		}
	}
	if a := cur.appFor(path); a != nil && within(a.app.ObjectsDir, path) && filepath.Dir(path) != a.app.ObjectsDir {
		// A nested file or folder under objects/: rescan for NESTED_FILE.
		s.addApp(a.app.Root)
		return
	}
	src, err := os.ReadFile(path)
	var ch change
	s.mu.Lock()
	s.updateLocked(func(cur *snapshot) *snapshot {
		var n *snapshot
		if err != nil {
			n, ch = cur.withoutFile(path)
		} else {
			n, ch = cur.withContent(path, src)
		}
		return n
	})
	s.mu.Unlock()
	s.diag.schedule(ch)
}

// shapeKey summarises what whole-app rules, route checks and code generation
// read from a definition (everything but positions and bodies), so an edit that
// keeps it needs only the file's own findings recomputed.
func shapeKey(d *analysis.Definition) string {
	if d == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(strconv.Itoa(int(d.Export)))
	b.WriteString("|" + d.StateType + "|" + strconv.FormatBool(d.ConfigIsLiteral) + "|" + strconv.Itoa(len(d.ParseErrors)))
	keys := make([]string, 0, len(d.Fields))
	for k := range d.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f := d.Fields[k]
		b.WriteString("|" + k + ":" + strconv.Itoa(int(f.Kind)) + ":" + f.Str + ":" + strconv.FormatBool(f.Bool))
	}
	for _, m := range d.Methods {
		b.WriteString("|m:" + m.Name + ":" + strconv.Itoa(int(m.Form)) + ":" + strconv.FormatBool(m.Async) + ":" + m.ReturnType)
		for _, p := range m.Params {
			b.WriteString("," + p.Name + ":" + p.Type + ":" + strconv.FormatBool(p.Optional) + ":" + p.Default + ":" + strconv.FormatBool(p.Rest))
		}
	}
	for _, u := range d.Unknowns {
		b.WriteString("|u:" + u.Reason)
	}
	b.WriteString("|t:" + strings.Join(d.ExportedTypes, ","))
	return b.String()
}
