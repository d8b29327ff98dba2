// This file defines the load pipeline of one app (config, discovery, parallel
// extraction through the on-disk cache, manifest, routes, wrangler) and the search
// for apps below a monorepo root.

package analysis

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/safefs"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/wrangler"
)

// LoadApp reads the app rooted at root. Definitions come from the on-disk cache
// when the file is unchanged (see cache.go; CLOUDWERK_LSP_CACHE=off disables it).
// Only a root that is not a readable folder is an error; files that cannot be
// read are recorded in App.FileErrors and the rest of the app still loads.
func LoadApp(root string) (*App, error) {
	return loadApp(root, cacheDirFromEnv(), LoadOptions{})
}

// Overlay maps file paths to content that stands in for the file on disk: an
// editor's unsaved buffer of a cloudwerk config or wrangler file.
type Overlay map[string][]byte

// LoadAppOverlay is LoadApp reading the cloudwerk config and the wrangler file
// from overlay when it holds them, so findings, fixes and generated edits are
// computed on what the user sees.
func LoadAppOverlay(root string, overlay Overlay) (*App, error) {
	return loadApp(root, cacheDirFromEnv(), LoadOptions{Overlay: overlay})
}

// LoadOptions tune LoadAppWith.
type LoadOptions struct {
	Overlay Overlay // as in LoadAppOverlay

	// Slim, when set, is called with the entry of each object file the load
	// extracts, in the worker that extracted it, once the full facts are in the
	// on-disk cache; the app keeps the definition it returns instead. A caller
	// that has no further use for some facts once it has looked at the file
	// (check: the per-file rules) keeps the app's memory down with it.
	Slim func(e *Entry) *Definition
}

// LoadAppWith is LoadApp with options.
func LoadAppWith(root string, opts LoadOptions) (*App, error) {
	return loadApp(root, cacheDirFromEnv(), opts)
}

// loadApp is LoadApp with an explicit cache folder ("" disables the cache).
func loadApp(root, cacheDir string, opts LoadOptions) (*App, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("load app: %w", err)
	}
	info, err := safefs.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("load app: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("load app: %s is not a folder", abs)
	}

	// The cache file is decoded while discovery walks the tree.
	started := time.Now()
	cacheCh := make(chan *fileCache, 1)
	go func() { cacheCh <- openCache(cacheDir, abs) }()

	cfg := readConfig(abs, opts.Overlay)
	disc := Discover(cfg)
	app := &App{Root: abs, Config: cfg, ObjectsDir: disc.ObjectsDir, Nested: disc.Nested}
	app.FileErrors = append(app.FileErrors, disc.FileErrors...)

	cache := <-cacheCh
	jobs := make([]loadJob, 0, len(disc.Objects)+len(disc.Routes))
	for _, p := range disc.Objects {
		jobs = append(jobs, loadJob{path: p})
	}
	for _, p := range disc.Routes {
		jobs = append(jobs, loadJob{path: p, route: true})
	}
	// The wrangler file is read while the workers are busy with the sources.
	wranglerCh := make(chan *wrangler.Config, 1)
	go func() {
		w := wrangler.Load(abs)
		if data, ok := opts.Overlay[pathOf(w)]; ok {
			others := w.Ambiguous
			w = wrangler.Parse(w.Path, data)
			w.Ambiguous = others
		}
		wranglerCh <- w
	}()
	out := cache.out(started)
	cache.handOut(jobs)
	runJobs(jobs, cache, out, opts.Slim)

	var entries []*Entry
	for i := range jobs {
		j := &jobs[i]
		switch {
		case j.err != nil:
			app.FileErrors = append(app.FileErrors, FileError{Path: j.path, Err: j.err.Error()})
		case j.route:
			if j.rec.RouteFile != nil {
				app.Routes = append(app.Routes, j.rec.RouteFile)
			}
		default:
			entries = append(entries, NewEntry(j.path, j.rec.Def))
		}
	}
	app.Manifest = BuildManifest(entries)
	slices.SortFunc(app.FileErrors, func(a, b FileError) int { return strings.Compare(a.Path, b.Path) })
	app.Wrangler = <-wranglerCh
	app.Entry = ReadWorkerEntry(abs, app.Wrangler, nil)

	if cache != nil {
		cache.save(jobs, out)
	}
	return app, nil
}

func pathOf(w *wrangler.Config) string {
	if w == nil {
		return ""
	}
	return w.Path
}

// loadJob is one file to read; the worker fills rec (or err).
type loadJob struct {
	path    string
	route   bool
	rec     cacheRecord
	err     error
	written bool // rec is in the next cache file already

	old     cacheRecord // the cache's record of path (haveOld), until the worker takes it
	haveOld bool
	raw     []byte // old's bytes in the cache file read
}

// runJobs reads and extracts every job on a pool of GOMAXPROCS workers. Each
// worker writes only its own jobs, so results need no lock. Every record goes
// to the next cache file (out, nil when caching is off) right away: one the
// worker extracted encoded by it, one reused as it was copied from the file
// read (save drops the new file when nothing changed); slim (nil: none) then
// replaces its definition with what the app keeps.
func runJobs(jobs []loadJob, cache *fileCache, out *cacheOut, slim func(*Entry) *Definition) {
	workers := min(runtime.GOMAXPROCS(0), len(jobs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var enc cacheWriter
			for {
				i := int(next.Add(1)) - 1
				if i >= len(jobs) {
					return
				}
				j := &jobs[i]
				old, haveOld, raw := j.old, j.haveOld, j.raw
				j.old, j.raw = cacheRecord{}, nil
				j.rec, j.err = loadFileFrom(j.path, j.route, cache, old, haveOld)
				if j.err != nil {
					continue
				}
				if out != nil {
					if j.rec.verbatim && raw != nil {
						j.written = out.add(raw) // unchanged: its bytes as they were
					} else {
						enc.buf = enc.buf[:0]
						enc.record(j.path, j.rec)
						j.written = out.add(enc.buf)
					}
				}
				// A definition is slimmed only once its full facts are safe in
				// the cache file (or there is no cache).
				if slim != nil && j.rec.Def != nil && (out == nil || j.written) {
					j.rec.Def = slim(NewEntry(j.path, j.rec.Def))
				}
			}
		})
	}
	wg.Wait()
}

// loadFile returns the facts of one file: from the cache when its size, mtime and
// content hash still match, else by extraction.
func loadFile(path string, route bool, cache *fileCache) (cacheRecord, error) {
	old, haveOld := cache.lookup(path)
	return loadFileFrom(path, route, cache, old, haveOld)
}

// loadFileFrom is loadFile with the cache's record of path (haveOld: there is one).
func loadFileFrom(path string, route bool, cache *fileCache, old cacheRecord, haveOld bool) (cacheRecord, error) {
	info, err := safefs.Stat(path)
	if err != nil {
		return cacheRecord{}, err
	}
	if !info.Mode().IsRegular() {
		return cacheRecord{}, errors.New("not a regular file")
	}
	if haveOld && old.Route == route && cache.trustStat(old, info) {
		old.verbatim = true
		return old, nil
	}
	src, err := safefs.ReadFileSized(path, info.Size())
	if err != nil {
		return cacheRecord{}, err
	}
	rec := cacheRecord{Size: info.Size(), ModTime: info.ModTime().UnixNano(), Hash: contentHash(src), Route: route, extracted: true}
	rec.cTime, _ = safefs.ChangeTime(info)
	if haveOld && old.Route == route && old.Hash == rec.Hash {
		rec.Def, rec.RouteFile, rec.extracted = old.Def, old.RouteFile, false
		return rec, nil
	}
	if route {
		rec.RouteFile = ExtractRoute(path, src)
	} else {
		rec.Def = ExtractDefinition(path, src)
		rec.Def.Compact() // the load keeps it
	}
	return rec, nil
}

// FindApps returns the Cloudwerk apps at or below dirs, sorted and without
// duplicates. A folder that is an app (it has cloudwerk.config.* or app/objects/)
// stands for itself; otherwise the tree below it is searched, skipping
// node_modules and dot folders and not descending into an app once found.
func FindApps(dirs ...string) ([]string, error) {
	out, _, err := FindAppsBounded(0, dirs...)
	return out, err
}

// FindAppsBounded is FindApps that stops after visiting maxDirs folders (0: no
// bound), reporting whether it stopped early (the apps found so far are returned).
func FindAppsBounded(maxDirs int, dirs ...string) (apps []string, truncated bool, err error) {
	var out []string
	visited := 0
	for _, d := range dirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			return nil, false, fmt.Errorf("find apps: %w", err)
		}
		info, err := safefs.Stat(abs)
		if err != nil {
			return nil, false, fmt.Errorf("find apps: %w", err)
		}
		if !info.IsDir() {
			return nil, false, fmt.Errorf("find apps: %s is not a folder", abs)
		}
		err = safefs.WalkDir(abs, func(path string, e fs.DirEntry, err error) error {
			if err != nil {
				if path == abs {
					return err
				}
				return nil // an unreadable folder below the root holds no app we can load
			}
			if !e.IsDir() {
				return nil
			}
			if path != abs && (e.Name() == "node_modules" || strings.HasPrefix(e.Name(), ".")) {
				return filepath.SkipDir
			}
			if visited++; maxDirs > 0 && visited > maxDirs {
				truncated = true
				return filepath.SkipAll
			}
			if IsAppRoot(path) {
				out = append(out, path)
				return filepath.SkipDir
			}
			return nil
		})
		if err != nil {
			return nil, false, fmt.Errorf("find apps: %w", err)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), truncated, nil
}

// configFileNames are the names Cloudwerk loads its config from.
var configFileNames = []string{"cloudwerk.config.ts", "cloudwerk.config.js", "cloudwerk.config.mjs"}

// IsAppRoot reports whether dir is the root of a Cloudwerk app.
func IsAppRoot(dir string) bool {
	for _, n := range configFileNames {
		if info, err := safefs.Stat(filepath.Join(dir, n)); err == nil && !info.IsDir() {
			return true
		}
	}
	return safefs.IsDir(filepath.Join(dir, "app", "objects"))
}
