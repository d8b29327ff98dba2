// This file defines file watching: the client's workspace/didChangeWatchedFiles
// (registered dynamically when the client offers it), otherwise the server's own
// fsnotify watcher over objects folders, wrangler files and cloudwerk configs.

package lsp

import (
	"context"
	"os"
	"path/filepath"
	"sync"

	"github.com/fsnotify/fsnotify"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/safefs"
)

// watchGlobs are the files whose changes on disk matter.
var watchGlobs = []string{
	"**/objects/**/*.{ts,tsx,js,jsx}",
	"**/cloudwerk.config.{ts,js,mjs}",
	"**/wrangler.{toml,json,jsonc}",
	"**/app/**/*.{ts,tsx,js,jsx}",
}

// startWatching registers client-side watchers when the client supports
// dynamic registration, else starts the server's own watcher.
func (s *Server) startWatching() {
	if s.ctx.Err() != nil {
		return
	}
	if s.caps.watchDynamic {
		watchers := make([]protocol.FileSystemWatcher, 0, len(watchGlobs))
		for _, g := range watchGlobs {
			watchers = append(watchers, protocol.FileSystemWatcher{GlobPattern: protocol.Pattern(g)})
		}
		opts, err := protocol.Marshal(&protocol.DidChangeWatchedFilesRegistrationOptions{Watchers: watchers})
		if err == nil {
			err = s.client.RegisterCapability(s.ctx, &protocol.RegistrationParams{Registrations: []protocol.Registration{{
				ID: "cloudwerk-watched-files", Method: protocol.MethodWorkspaceDidChangeWatchedFiles, RegisterOptions: opts,
			}}})
		}
		if err == nil {
			return
		}
		s.log.Warn("client refused file watcher registration; watching ourselves", zap.Error(err))
	}
	if s.opts.NoFileWatcher {
		return
	}
	w, err := newFileWatcher(s)
	if err != nil {
		s.log.Warn("file watcher unavailable", zap.Error(err))
		return
	}
	w.addFolders(s.snap.Load().folders)
	s.mu.Lock()
	s.watcher = w // published once it watches everything, so tests can wait on it
	s.mu.Unlock()
	s.watching.Store(true)
	if s.onChange != nil {
		s.onChange()
	}
}

// DidChangeWatchedFiles applies on-disk creations, changes and deletions.
func (s *Server) DidChangeWatchedFiles(ctx context.Context, params *protocol.DidChangeWatchedFilesParams) error {
	var paths []string
	for _, c := range params.Changes {
		if p, ok := uriToPath(c.URI); ok {
			paths = append(paths, p)
		}
	}
	s.background(func() {
		for _, p := range paths {
			s.diskChanged(p)
		}
	})
	return nil
}

// background runs f on a goroutine tied to the connection's lifetime.
func (s *Server) background(f func()) {
	if s.ctx.Err() != nil {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
}

// fileWatcher is the server's own watcher (for clients without file watching,
// such as Neovim on Linux). It watches each app's root, its objects folder (and
// subfolders, for NESTED_FILE) and the workspace folders (for new apps).
type fileWatcher struct {
	s  *Server
	fw *fsnotify.Watcher
	// mu guards watched.
	mu      sync.Mutex
	watched map[string]bool
	done    chan struct{}
}

func newFileWatcher(s *Server) (*fileWatcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &fileWatcher{s: s, fw: fw, watched: map[string]bool{}, done: make(chan struct{})}
	s.wg.Add(1)
	go w.loop()
	return w, nil
}

// addFolders watches the folders and every app inside them.
func (w *fileWatcher) addFolders(folders []string) {
	for _, f := range folders {
		w.add(f)
	}
	for _, a := range w.s.snap.Load().apps {
		w.addApp(a.app.Root, a.app.ObjectsDir)
	}
}

func (w *fileWatcher) addApp(root, objectsDir string) {
	w.add(root)
	w.add(filepath.Dir(objectsDir))
	w.add(objectsDir)
	if ents, err := os.ReadDir(objectsDir); err == nil {
		for _, e := range ents {
			if e.IsDir() {
				w.add(filepath.Join(objectsDir, e.Name()))
			}
		}
	}
}

func (w *fileWatcher) add(dir string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.watched[dir] {
		return
	}
	if err := w.fw.Add(dir); err == nil {
		w.watched[dir] = true
		w.s.log.Debug("watching", zap.String("dir", dir))
	} else {
		w.s.log.Debug("cannot watch", zap.String("dir", dir), zap.Error(err))
	}
}

func (w *fileWatcher) loop() {
	defer w.s.wg.Done()
	for {
		select {
		case <-w.s.ctx.Done():
			return
		case ev, ok := <-w.fw.Events:
			if !ok {
				return
			}
			w.handle(ev)
		case err, ok := <-w.fw.Errors:
			if !ok {
				return
			}
			w.s.log.Warn("file watcher", zap.Error(err))
		}
	}
}

func (w *fileWatcher) handle(ev fsnotify.Event) {
	path := filepath.Clean(ev.Name)
	w.s.log.Debug("file event", zap.String("path", path), zap.String("op", ev.Op.String()))
	if ev.Op&fsnotify.Chmod == ev.Op {
		return
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		// A new folder: an objects folder or a nested folder, or a new app.
		w.add(path)
		if analysis.IsAppRoot(path) {
			w.s.addApp(path)
			w.addApp(path, filepath.Join(path, "app", "objects"))
		}
		if a := w.s.snap.Load().appFor(path); a != nil && safefs.Within(a.app.ObjectsDir, path) {
			w.s.addApp(a.app.Root)
		}
		return
	}
	w.s.diskChanged(path)
	if isAppConfigFile(path) {
		if a := w.s.snap.Load().appFor(path); a != nil {
			w.addApp(a.app.Root, a.app.ObjectsDir)
		}
	}
}

func (w *fileWatcher) close() {
	_ = w.fw.Close()
}
