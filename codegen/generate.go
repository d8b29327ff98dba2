// This file defines the plan of every file `generate` writes (types, classes,
// wrangler config) and its application. Planning is pure and deterministic:
// it reads the current files only to compare, and a second run plans nothing.

package codegen

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/safefs"
)

// Target selects a group of generated files.
type Target uint8

const (
	TargetTypes Target = 1 << iota
	TargetClasses
	TargetWrangler

	AllTargets = TargetTypes | TargetClasses | TargetWrangler
)

// ParseTargets reads a comma-separated list such as "types,classes".
func ParseTargets(list string) (Target, error) {
	var t Target
	for _, name := range strings.Split(list, ",") {
		switch strings.TrimSpace(name) {
		case "types":
			t |= TargetTypes
		case "classes":
			t |= TargetClasses
		case "wrangler":
			t |= TargetWrangler
		case "":
		default:
			return 0, fmt.Errorf("unknown target %q (want types, classes or wrangler)", name)
		}
	}
	if t == 0 {
		return 0, errors.New("no target selected (want types, classes or wrangler)")
	}
	return t, nil
}

// Rename records that class From is now class To (renamed_classes).
type Rename struct{ From, To string }

// Options selects what Plan produces.
type Options struct {
	Targets Target   // zero means AllTargets
	Renames []Rename // explicit class renames for the migration ledger
	Deletes []string // classes whose deletion (and data loss) was explicitly requested
	// AllowKV lets generate create new classes KV-backed when their definition
	// has no `sqlite` key (the runtime's default); otherwise they wait for an
	// explicit `sqlite: true` or `sqlite: false`.
	AllowKV bool

	// openClasses: cloudwerk.config declares hand-written classes that cannot be
	// read statically, so no live class is treated as orphaned.
	openClasses bool
}

// FileChange is one file generate would write or delete. Paths are absolute.
type FileChange struct {
	Path   string
	Target Target
	Old    []byte // current content; nil when the file does not exist
	Exists bool
	New    []byte // the content to write; nil when Delete
	Delete bool   // a generated file that no longer belongs (its object is gone)
}

// object is one durable object generate emits files for.
type object struct {
	Entry   *analysis.Entry
	RelPath string // the object file relative to the app root, slash-separated
	sigs    *objectSigs
	// rootImport is the object file's path relative to the app root without its
	// extension, when it is a plain path inside the root ("" otherwise).
	rootImport string
}

// Objects returns the entries generate emits classes for: a valid, unique name and
// a default export that is a defineDurableObject call. Sorted by class name.
func Objects(app *analysis.App) []*analysis.Entry {
	objs := objects(app)
	out := make([]*analysis.Entry, len(objs))
	for i, o := range objs {
		out[i] = o.Entry
	}
	return out
}

func objects(app *analysis.App) []object {
	if app == nil || app.Manifest == nil {
		return nil
	}
	m := app.Manifest
	out := make([]object, 0, len(m.Entries))
	for _, e := range m.Entries {
		if e.Def == nil || e.Def.Export != analysis.ExportDefine || !analysis.ValidObjectName(e.ObjectName) {
			continue
		}
		if len(m.ByObject.Get(e.ObjectName)) > 1 || len(m.ByClass.Get(e.ClassName)) > 1 || len(m.ByBinding.Get(e.BindingName)) > 1 {
			continue // DUPLICATE_NAME: which one wins is the user's decision
		}
		rel, err := filepath.Rel(app.Root, e.Path)
		local := ""
		if err != nil {
			rel = e.Path
		} else {
			local = rootImport(rel)
		}
		out = append(out, object{Entry: e, RelPath: filepath.ToSlash(rel), sigs: &objectSigs{}, rootImport: local})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Entry.ClassName < out[j].Entry.ClassName })
	return out
}

// plannedFile is one generated file and how to render it.
type plannedFile struct {
	path   string
	target Target
	key    inputKey // what the content depends on (verified.go); zero: unknown
	// render renders the file; a class file is written into scratch's memory
	// (nil or a rendering that is no longer needed), other files ignore it.
	render func(scratch []byte) []byte
}

// plannedFiles lists the types and classes files of app (rendering is deferred so
// Plan can spread it over cores).
func plannedFiles(app *analysis.App, targets Target) []plannedFile {
	root := app.Root
	objs := objects(app)
	var out []plannedFile
	typesImport := classesTypesImport(root)
	keys := newInputKeys(root, typesImport)
	if targets&TargetTypes != 0 {
		out = append(out, plannedFile{filepath.Join(root, TypesFile), TargetTypes, keys.all("types", objs), func([]byte) []byte { return renderTypes(root, objs) }})
	}
	if targets&TargetClasses != 0 {
		dir := filepath.Join(root, ClassesDir)
		out = append(out,
			plannedFile{filepath.Join(dir, RuntimeFile), TargetClasses, keys.all("runtime", nil), func([]byte) []byte { return renderRuntime(root) }},
			plannedFile{filepath.Join(dir, "index.ts"), TargetClasses, keys.all("index", objs), func([]byte) []byte { return renderIndex(objs) }})
		for _, o := range objs {
			out = append(out, plannedFile{filepath.Join(dir, o.Entry.ClassName+".ts"), TargetClasses, keys.class(o),
				func(scratch []byte) []byte { return renderClass(scratch, root, typesImport, o) }})
		}
	}
	return out
}

// Render returns the content of every generated types and classes file of app,
// keyed by absolute path, without touching the disk.
func Render(app *analysis.App, targets Target) map[string][]byte {
	if targets == 0 {
		targets = AllTargets
	}
	files := map[string][]byte{}
	for _, f := range plannedFiles(app, targets) {
		files[f.path] = f.render(nil)
	}
	return files
}

// Plan returns the files generate would change, sorted by path: new or different
// content, generated class files whose object is gone, and the wrangler config.
// An empty plan means everything is up to date.
func Plan(app *analysis.App, opts Options) ([]FileChange, error) {
	if app == nil || app.Root == "" {
		return nil, errors.New("no app to generate for")
	}
	targets := opts.Targets
	if targets == 0 {
		targets = AllTargets
	}
	files := plannedFiles(app, targets)
	var verified *verifiedSet
	if targets&(TargetTypes|TargetClasses) != 0 {
		// A plan of some of the files keeps the records of the others.
		verified = openVerified(app.Root, targets&(TargetTypes|TargetClasses) != TargetTypes|TargetClasses)
	}
	changes, err := compareFiles(files, verified)
	if err != nil {
		return nil, err
	}
	verified.save(app.Root)
	if targets&TargetClasses != 0 {
		wanted := make(map[string]bool, len(files))
		for _, f := range files {
			wanted[f.path] = true
		}
		leftovers, err := leftoverClasses(app.Root, wanted)
		if err != nil {
			return nil, err
		}
		changes = append(changes, leftovers...)
	}
	if targets&TargetWrangler != 0 {
		c, err := wranglerChange(app, opts)
		if err != nil {
			return nil, err
		}
		if c != nil && (!c.Exists || c.Delete || !bytes.Equal(c.Old, c.New)) {
			c.Target = TargetWrangler
			changes = append(changes, *c)
		}
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].Path < changes[j].Path })
	return changes, nil
}

// renderedFiles counts the files compareFiles rendered (tests see what was skipped).
var renderedFiles atomic.Int64

// compareFiles renders each file and compares it with the disk, spread over a few
// goroutines (rendering is CPU, reading is I/O); the result is in input order.
// A file verified (nil: none) knows to be up to date is neither rendered nor read.
func compareFiles(files []plannedFile, verified *verifiedSet) ([]FileChange, error) {
	results := make([]*FileChange, len(files))
	errs := make([]error, len(files))
	workers := min(len(files), 2*runtime.GOMAXPROCS(0))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := newContentReader()
			defer r.close()
			// The rendering of an unchanged file is not kept: the next file is
			// rendered into its memory.
			var scratch []byte
			for {
				i := int(next.Add(1)) - 1
				if i >= len(files) {
					return
				}
				f := files[i]
				if verified.knows(f.path) && f.key != (inputKey{}) {
					if stamp, ok := r.stamp(f.path); ok && verified.trusted(f.path, f.key, stamp) {
						continue
					}
				}
				content := f.render(scratch)
				renderedFiles.Add(1)
				scratch = nil
				same, stamp, err := r.same(f.path, content)
				if err != nil {
					errs[i] = err
					continue
				}
				if same {
					verified.confirm(f.path, f.key, stamp)
					scratch = content
					continue
				}
				old, exists, err := readExisting(f.path)
				if err != nil {
					errs[i] = err
					continue
				}
				results[i] = &FileChange{Path: f.path, Target: f.target, Old: old, Exists: exists, New: content}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var changes []FileChange
	for _, c := range results {
		if c != nil {
			changes = append(changes, *c)
		}
	}
	return changes, nil
}

// leftoverClasses finds generated files in the classes folder that the plan no
// longer contains (an object was renamed or deleted). Only files that carry the
// generated banner are touched; anything else in the folder is the user's.
func leftoverClasses(root string, wanted map[string]bool) ([]FileChange, error) {
	dir := filepath.Join(root, ClassesDir)
	entries, err := safefs.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", dir, err)
	}
	var out []FileChange
	for _, de := range entries {
		path := filepath.Join(dir, de.Name())
		if !de.Type().IsRegular() || filepath.Ext(de.Name()) != ".ts" {
			continue
		}
		if wanted[path] {
			continue
		}
		old, exists, err := readExisting(path)
		if err != nil {
			return nil, err
		}
		if exists && bytes.HasPrefix(old, []byte(generatedBanner)) {
			out = append(out, FileChange{Path: path, Target: TargetClasses, Old: old, Exists: true, Delete: true})
		}
	}
	return out, nil
}

func readExisting(path string) ([]byte, bool, error) {
	data, err := safefs.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", path, err)
	}
	return data, true, nil
}

// ErrConflict means a file changed on disk between planning and applying.
var ErrConflict = errors.New("file changed since the plan was made")

// Apply writes changes under root atomically, one run at a time (a lock file in
// .cloudwerk/). Each file must still hold the content the plan saw, checked
// before writing and again right before its rename; otherwise Apply stops with
// ErrConflict and the file keeps what is on disk. Paths outside root are refused.
func Apply(root string, changes []FileChange) error {
	return ApplyWith(root, changes, ApplyOptions{})
}

// ApplyOptions tune Apply.
type ApplyOptions struct {
	// OnLockWait, when set, is called once when another run holds the lock and
	// Apply waits for it.
	OnLockWait func(lock string)
}

// ApplyWith is Apply with options.
func ApplyWith(root string, changes []FileChange, opts ApplyOptions) error {
	if len(changes) == 0 {
		return nil // nothing to write: no lock either (it would create .cloudwerk/ in an app that has none)
	}
	for _, c := range changes {
		if err := CheckWrite(root, c.Path); err != nil {
			return err
		}
	}
	unlock, err := lockRoot(root, opts.OnLockWait)
	if err != nil {
		return err
	}
	defer unlock()
	for _, c := range changes {
		removeStaleTemps(c.Path)
		unchanged := func() error {
			cur, exists, err := readExisting(c.Path)
			if err != nil {
				return err
			}
			if exists != c.Exists || !bytes.Equal(cur, c.Old) {
				return fmt.Errorf("%s: %w", c.Path, ErrConflict)
			}
			return nil
		}
		if err := unchanged(); err != nil {
			return err
		}
		if c.Delete {
			if err := removeInside(root, c.Path); err != nil {
				return err
			}
			continue
		}
		if err := writeFileAtomic(root, c.Path, c.New, unchanged); err != nil {
			return err
		}
	}
	return nil
}
