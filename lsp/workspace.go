// This file defines how file contents (from the editor or from disk) become
// snapshot facts: loading apps, and replacing one file's facts at a time.

package lsp

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/safefs"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/wrangler"
	"github.com/cloudwerk/cloudwerk-lsp/diagnostics"
)

// docState is the mutable parse state of one open document: its text and the
// engine's incrementally re-parsed Document. Only writers holding Server.mu
// touch it; snapshots never reference it.
type docState struct {
	text string
	doc  *analysis.Document
}

// addApp loads (or reloads) the app at root from disk, with the unsaved
// buffers of open cloudwerk config and wrangler files standing in for those
// files, applies the open documents inside it and schedules a full
// diagnostics pass for it.
func (s *Server) addApp(root string) {
	for attempt := 0; ; attempt++ {
		if s.addAppOnce(root, attempt < 3) {
			return
		}
	}
}

// addAppOnce is one attempt of addApp. With retry, it gives up (false) when a
// file changed on disk while the app loaded: the change may already be in the
// snapshot, and this older load would replace it.
func (s *Server) addAppOnce(root string, retry bool) bool {
	events := s.diskEvents.Load()
	s.mu.Lock()
	overlay := s.configOverlayLocked()
	s.mu.Unlock()
	app := loadApp(root, overlay)
	if app == nil {
		s.removeApp(root)
		return true
	}
	if s.afterAppLoad != nil {
		s.afterAppLoad(root)
	}
	s.mu.Lock()
	if retry && s.diskEvents.Load() != events {
		s.mu.Unlock()
		return false
	}
	if cfg := app.Config.File; cfg != "" && string(overlay[cfg]) != s.docText(cfg, string(overlay[cfg])) {
		// The config buffer changed while the app loaded: the reload that edit
		// scheduled replaces this one.
		s.mu.Unlock()
		return true
	}
	s.updateLocked(func(cur *snapshot) *snapshot {
		n := cur.withApp(&appState{app: app})
		for path := range cur.open {
			if d := s.docs[path]; d != nil && (isWranglerFile(path) || n.appFor(path) != nil && n.appFor(path).app.Root == root) {
				n, _ = n.withDocument(path, d.doc) // wrangler buffers too: one may have changed during the load
			}
		}
		return n
	})
	s.mu.Unlock()
	s.diag.scheduleApp(root)
	return true
}

// configOverlayLocked returns the buffers of the open cloudwerk config and
// wrangler files: the engine reads them instead of the disk. s.mu is held.
func (s *Server) configOverlayLocked() analysis.Overlay {
	var o analysis.Overlay
	for path, d := range s.docs {
		if isAppConfigFile(path) {
			if o == nil {
				o = analysis.Overlay{}
			}
			o[path] = []byte(d.text)
		}
	}
	return o
}

// docText returns the open buffer of path, or def when it is not open. s.mu is held.
func (s *Server) docText(path, def string) string {
	if d := s.docs[path]; d != nil {
		return d.text
	}
	return def
}

// removeApp drops the app at root and clears its diagnostics.
func (s *Server) removeApp(root string) {
	s.update(func(cur *snapshot) *snapshot { return cur.withoutApp(root) })
	s.diag.scheduleApp(root)
}

// change says what a content change invalidated.
type change struct {
	appRoot  string   // app needing a full pass ("" when none)
	moreApps []string // more apps needing one (a wrangler file several apps share)
	file     string   // file needing its own findings recomputed ("" when none)
}

// withContent returns a snapshot where path's facts come from src, and what
// must be re-diagnosed. Files outside any app, and files that are neither
// objects nor routes, change nothing.
func (s *snapshot) withContent(path string, src []byte) (*snapshot, change) {
	return s.withFacts(path,
		func() *analysis.Definition {
			// The snapshot keeps it until the file changes again: compact, and
			// slim as a loaded app's objects are (see loadApp).
			d := analysis.ExtractDefinition(path, src)
			d.Compact()
			return diagnostics.SlimDefinition(analysis.NewEntry(path, d))
		},
		func() *analysis.RouteFile { return analysis.ExtractRoute(path, src) })
}

// withDocument is withContent for an open document: its facts come from the
// document's incremental re-parse.
func (s *snapshot) withDocument(path string, doc *analysis.Document) (*snapshot, change) {
	switch {
	case isWranglerFile(path):
		return s.withWranglerBuffer(path, doc.Text())
	case isCloudwerkConfig(path):
		return s, change{} // it shapes discovery: its edits reload the app (see reloadForConfig)
	}
	return s.withFacts(path, doc.Definition, doc.Route)
}

// withWranglerBuffer returns a snapshot where every app reading the wrangler
// file at path sees data (an open buffer) instead of the file on disk, and the
// apps whose whole-app findings that changes.
func (s *snapshot) withWranglerBuffer(path string, data []byte) (*snapshot, change) {
	n, ch := s, change{}
	for _, a := range s.apps {
		w := a.app.Wrangler
		if w == nil || w.Path != path || string(w.Data) == string(data) {
			continue
		}
		parsed := wrangler.Parse(path, slices.Clone(data))
		parsed.Ambiguous = w.Ambiguous
		app := *a.app
		app.Wrangler = parsed
		n = n.withApp(&appState{app: &app, overlay: a.overlay, routes: a.routes})
		if ch.appRoot == "" {
			ch.appRoot = a.app.Root
		} else {
			ch.moreApps = append(ch.moreApps, a.app.Root)
		}
	}
	return n, ch
}

// reloadForConfig reloads, off the read loop, the apps an open cloudwerk
// config or wrangler file shapes, after its buffer was opened with other text
// than the disk's, edited or closed.
func (s *Server) reloadForConfig(path string) {
	snap := s.snap.Load()
	var roots []string
	for _, a := range snap.apps {
		if a.app.Config.File == path || filepath.Dir(path) == a.app.Root || a.app.Wrangler != nil && a.app.Wrangler.Path == path {
			roots = append(roots, a.app.Root)
		}
	}
	if len(roots) == 0 && isCloudwerkConfig(path) && snap.inWorkspace(path) {
		roots = append(roots, filepath.Dir(path)) // a config that makes a new app
	}
	s.background(func() {
		for _, r := range roots {
			s.addApp(r)
		}
	})
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
		e := analysis.NewEntry(path, object())
		old := a.entry(path)
		na, namesChanged := a.withEntry(e)
		n := s.withApp(na)
		if namesChanged || old == nil || !sameShape(old.Def, e.Def) {
			return n, change{appRoot: root}
		}
		return n, change{file: path}
	case isSourceFile(path) && !safefs.Within(a.app.ObjectsDir, path):
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

// isWranglerFile reports whether path is a wrangler config file.
func isWranglerFile(path string) bool {
	switch filepath.Base(path) {
	case "wrangler.toml", "wrangler.json", "wrangler.jsonc":
		return true
	}
	return false
}

// isWorkerEntry reports whether path is the Worker entry (wrangler's `main`) of its app.
func isWorkerEntry(snap *snapshot, path string) bool {
	a := snap.appFor(path)
	return a != nil && a.app.Entry != nil && a.app.Entry.Path == path
}

// isCloudwerkConfig reports whether path is a cloudwerk.config.* file.
func isCloudwerkConfig(path string) bool {
	switch filepath.Base(path) {
	case "cloudwerk.config.ts", "cloudwerk.config.js", "cloudwerk.config.mjs":
		return true
	}
	return false
}

// isAppConfigFile reports whether a change to path reshapes the whole app:
// cloudwerk.config.* and wrangler files.
func isAppConfigFile(path string) bool { return isCloudwerkConfig(path) || isWranglerFile(path) }

// diskChanged updates the snapshot after path changed on disk (created,
// changed or deleted). Open documents are authoritative and are left alone.
func (s *Server) diskChanged(path string) {
	s.diskEvents.Add(1)
	cur := s.snap.Load()
	if _, open := cur.open[path]; open {
		return
	}
	if isWorkerEntry(cur, path) {
		// ENTRY_EXPORT_MISSING reads the entry from disk with the app.
		s.addApp(cur.appFor(path).app.Root)
		return
	}
	if isAppConfigFile(path) {
		if a := cur.appFor(path); a != nil && filepath.Dir(path) == a.app.Root {
			s.addApp(a.app.Root)
			return
		}
		if _, err := os.Stat(path); err == nil && cur.inWorkspace(path) && analysis.IsAppRoot(filepath.Dir(path)) {
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
	if a := cur.appFor(path); a != nil && safefs.Within(a.app.ObjectsDir, path) && filepath.Dir(path) != a.app.ObjectsDir {
		// A nested file or folder under objects/: rescan for NESTED_FILE.
		s.addApp(a.app.Root)
		return
	}
	src, err := safefs.ReadFile(path)
	var ch change
	var reload string
	s.mu.Lock()
	s.updateLocked(func(cur *snapshot) *snapshot {
		var n *snapshot
		n, ch, reload = cur.withDiskFile(path, src, err)
		return n
	})
	s.mu.Unlock()
	if reload != "" {
		s.addApp(reload)
		return
	}
	s.diag.schedule(ch)
}

// withDiskFile returns a snapshot where path's facts come from a read of the
// disk (src, or the error the safe reader gave). A file that exists but cannot
// be read (a FIFO, a device, a file too large) is dropped and its app must be
// reloaded (reload is its root): loading reports it as FILE_UNREADABLE. So must
// an app that reported the file as unreadable before, now that it reads.
func (s *snapshot) withDiskFile(path string, src []byte, err error) (n *snapshot, ch change, reload string) {
	a := s.appFor(path)
	if a != nil && (err != nil && !errors.Is(err, fs.ErrNotExist) || a.unreadable(path)) {
		reload = a.app.Root
	}
	if err != nil {
		n, ch = s.withoutFile(path)
		return n, ch, reload
	}
	n, ch = s.withContent(path, src)
	return n, ch, reload
}

// sameShape reports whether a and b agree on everything whole-app rules, route
// checks and code generation read from a definition (the export, the state type,
// the config's recognised keys and literal values, the methods' signatures, the
// unknowns and the exported types); edits that keep the shape only need the
// file's own findings recomputed. It allocates nothing: it runs on every edit.
func sameShape(a, b *analysis.Definition) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Export != b.Export || a.StateType != b.StateType || a.ConfigIsLiteral != b.ConfigIsLiteral ||
		len(a.ParseErrors) != len(b.ParseErrors) || len(a.Fields) != len(b.Fields) ||
		len(a.Methods) != len(b.Methods) || len(a.Unknowns) != len(b.Unknowns) ||
		!slices.Equal(a.ExportedTypes, b.ExportedTypes) {
		return false
	}
	for k, fa := range a.Fields {
		fb, ok := b.Fields[k]
		if !ok || fa.Kind != fb.Kind || fa.Str != fb.Str || fa.Bool != fb.Bool {
			return false
		}
	}
	for i := range a.Methods {
		ma, mb := &a.Methods[i], &b.Methods[i]
		if ma.Name != mb.Name || ma.Form != mb.Form || ma.Async != mb.Async || ma.ReturnType != mb.ReturnType ||
			len(ma.Params) != len(mb.Params) {
			return false
		}
		for j := range ma.Params {
			pa, pb := &ma.Params[j], &mb.Params[j]
			if pa.Name != pb.Name || pa.Type != pb.Type || pa.Optional != pb.Optional || pa.Default != pb.Default || pa.Rest != pb.Rest {
				return false
			}
		}
	}
	for i := range a.Unknowns {
		if a.Unknowns[i].Reason != b.Unknowns[i].Reason {
			return false
		}
	}
	return true
}
