// This file defines the immutable snapshot of the workspace the server reads:
// apps with their manifests, newer facts for edited files, and open documents.

package lsp

import (
	"sort"

	"go.lsp.dev/uri"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/safefs"
	"github.com/cloudwerk/cloudwerk-lsp/codegen"
)

// snapshot is never modified once published; a change clones it (see the
// with* methods), copying only the small maps and replacing the changed file's
// facts. Readers load it from Server.snap without locking.
type snapshot struct {
	seq     uint64
	folders []string    // workspace folder roots
	apps    []*appState // sorted by root
	open    map[string]*openFile
}

// appState is one app as the snapshot sees it. app.Manifest is rebuilt only when
// a file's names change; entries edited without a name change live in overlay
// so an edit costs O(open files), not O(objects).
type appState struct {
	app     *analysis.App
	overlay map[string]*analysis.Entry // path -> newer entry with the same names as in app.Manifest
	routes  map[string]*analysis.RouteFile
}

// openFile is one document the client has open.
type openFile struct {
	uri     uri.URI
	path    string
	version int32
	text    string
}

func (s *snapshot) clone() *snapshot {
	n := &snapshot{seq: s.seq + 1, folders: s.folders, apps: s.apps, open: s.open}
	return n
}

// withOpen returns a copy of the open-file map with f set (or removed when f.text
// is not needed: see withoutOpen).
func (s *snapshot) withOpen(f *openFile) *snapshot {
	n := s.clone()
	n.open = make(map[string]*openFile, len(s.open)+1)
	for k, v := range s.open {
		n.open[k] = v
	}
	n.open[f.path] = f
	return n
}

func (s *snapshot) withoutOpen(path string) *snapshot {
	n := s.clone()
	n.open = make(map[string]*openFile, len(s.open))
	for k, v := range s.open {
		if k != path {
			n.open[k] = v
		}
	}
	return n
}

// withApp returns a copy with the app of the same root replaced (or added).
func (s *snapshot) withApp(a *appState) *snapshot {
	n := s.clone()
	n.apps = make([]*appState, 0, len(s.apps)+1)
	replaced := false
	for _, old := range s.apps {
		if old.app.Root == a.app.Root {
			n.apps = append(n.apps, a)
			replaced = true
			continue
		}
		n.apps = append(n.apps, old)
	}
	if !replaced {
		n.apps = append(n.apps, a)
		sort.Slice(n.apps, func(i, j int) bool { return n.apps[i].app.Root < n.apps[j].app.Root })
	}
	return n
}

// withoutApp returns a copy without the app at root.
func (s *snapshot) withoutApp(root string) *snapshot {
	n := s.clone()
	n.apps = nil
	for _, a := range s.apps {
		if a.app.Root != root {
			n.apps = append(n.apps, a)
		}
	}
	return n
}

// appFor returns the app whose root holds path (the deepest one), or nil.
func (s *snapshot) appFor(path string) *appState {
	var best *appState
	for _, a := range s.apps {
		if safefs.Within(a.app.Root, path) && (best == nil || len(a.app.Root) > len(best.app.Root)) {
			best = a
		}
	}
	return best
}

// appAt returns the app rooted exactly at root.
func (s *snapshot) appAt(root string) *appState {
	for _, a := range s.apps {
		if a.app.Root == root {
			return a
		}
	}
	return nil
}

// inWorkspace reports whether path is inside one of the workspace folders.
func (s *snapshot) inWorkspace(path string) bool {
	for _, f := range s.folders {
		if safefs.Within(f, path) {
			return true
		}
	}
	return false
}

// unsavedConfig returns an open cloudwerk config or wrangler file of the app
// whose buffer differs from the disk, or "".
func (s *snapshot) unsavedConfig(a *appState) string {
	for path, f := range s.open {
		if !isAppConfigFile(path) || path != a.app.Config.File && (a.app.Wrangler == nil || path != a.app.Wrangler.Path) {
			continue
		}
		if disk, err := safefs.ReadFile(path); err != nil || string(disk) != f.text {
			return path
		}
	}
	return ""
}

// folderOf returns the deepest workspace folder holding path, or "".
func (s *snapshot) folderOf(path string) string {
	best := ""
	for _, f := range s.folders {
		if safefs.Within(f, path) && len(f) > len(best) {
			best = f
		}
	}
	return best
}

// writable reports why an edit to path must not be handed to the client: the
// path leaves root (once links are resolved) or is itself a link, exactly
// what the CLI refuses to write.
func writable(root, path string) error {
	return codegen.CheckWrite(root, path)
}

// entry returns the freshest entry for path in this app, or nil.
func (a *appState) entry(path string) *analysis.Entry {
	if e := a.overlay[path]; e != nil {
		return e
	}
	return a.app.Manifest.Lookup(path)
}

// entries returns every entry of the app with overlay applied, sorted by path.
func (a *appState) entries() []*analysis.Entry {
	if len(a.overlay) == 0 {
		return a.app.Manifest.Entries
	}
	out := make([]*analysis.Entry, len(a.app.Manifest.Entries))
	for i, e := range a.app.Manifest.Entries {
		if o := a.overlay[e.Path]; o != nil {
			e = o
		}
		out[i] = e
	}
	return out
}

// lookupObject finds the entry for a name as route code writes it: an object
// name (`counter`), a class-like name (`Counter`), or anything whose binding
// name matches, as the runtime maps every name through objectNameToBindingName.
func (a *appState) lookupObject(name string) *analysis.Entry {
	list := a.app.Manifest.ByBinding.Get(analysis.ObjectNameToBindingName(name))
	if len(list) == 0 {
		return nil
	}
	return a.entry(list[0].Path)
}

// materialized returns the app with every overlay entry folded into its
// manifest: what whole-app rules and code generation need. O(objects).
func (a *appState) materialized() *analysis.App {
	if len(a.overlay) == 0 && len(a.routes) == 0 {
		return a.app
	}
	app := *a.app
	m := app.Manifest
	for _, e := range a.overlay {
		m = m.With(e)
	}
	app.Manifest = m
	if len(a.routes) > 0 {
		byPath := map[string]*analysis.RouteFile{}
		for _, r := range app.Routes {
			byPath[r.Path] = r
		}
		for p, r := range a.routes {
			if r == nil {
				delete(byPath, p)
			} else {
				byPath[p] = r
			}
		}
		app.Routes = make([]*analysis.RouteFile, 0, len(byPath))
		for _, r := range byPath {
			app.Routes = append(app.Routes, r)
		}
		sort.Slice(app.Routes, func(i, j int) bool { return app.Routes[i].Path < app.Routes[j].Path })
	}
	return &app
}

// withEntry returns a copy of the app state with e as the fresh entry of its path.
// It reports whether the file's names changed (the manifest was rebuilt).
func (a *appState) withEntry(e *analysis.Entry) (*appState, bool) {
	old := a.entry(e.Path)
	n := &appState{app: a.app, overlay: a.overlay, routes: a.routes}
	if old != nil && old.ObjectName == e.ObjectName && old.ClassName == e.ClassName && old.BindingName == e.BindingName {
		n.overlay = make(map[string]*analysis.Entry, len(a.overlay)+1)
		for k, v := range a.overlay {
			n.overlay[k] = v
		}
		n.overlay[e.Path] = e
		return n, false
	}
	app := *a.app
	app.Manifest = a.app.Manifest.With(e)
	n.app = &app
	n.overlay = withoutKey(a.overlay, e.Path)
	return n, true
}

// withoutEntry returns a copy of the app state without the entry of path.
func (a *appState) withoutEntry(path string) *appState {
	app := *a.app
	app.Manifest = a.app.Manifest.Without(path)
	return &appState{app: &app, overlay: withoutKey(a.overlay, path), routes: a.routes}
}

// withRoute returns a copy with r as the fresh route summary of path (nil when the
// file no longer references durable objects).
func (a *appState) withRoute(path string, r *analysis.RouteFile) *appState {
	n := &appState{app: a.app, overlay: a.overlay, routes: make(map[string]*analysis.RouteFile, len(a.routes)+1)}
	for k, v := range a.routes {
		n.routes[k] = v
	}
	n.routes[path] = r
	return n
}

// unreadable reports whether loading the app reported path as unreadable.
func (a *appState) unreadable(path string) bool {
	for _, fe := range a.app.FileErrors {
		if fe.Path == path {
			return true
		}
	}
	return false
}

// route returns the freshest route summary of path, or nil.
func (a *appState) route(path string) *analysis.RouteFile {
	if r, ok := a.routes[path]; ok {
		return r
	}
	for _, r := range a.app.Routes {
		if r.Path == path {
			return r
		}
	}
	return nil
}

func withoutKey(m map[string]*analysis.Entry, key string) map[string]*analysis.Entry {
	if _, ok := m[key]; !ok {
		return m
	}
	n := make(map[string]*analysis.Entry, len(m))
	for k, v := range m {
		if k != key {
			n[k] = v
		}
	}
	return n
}
