// This file defines discovery: which files of an app are object files (direct
// children of <appDir>/objects/), which look like objects but sit in subfolders
// (NESTED_FILE), and which are candidate route files.

package analysis

import (
	"errors"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/safefs"
)

// Discovery is the file layout of one app, before any file is read.
type Discovery struct {
	ObjectsDir string      // <root>/<appDir>/objects
	Objects    []string    // object files, sorted
	Nested     []string    // object-looking files in subfolders of objects/, sorted
	Routes     []string    // other source files under <appDir> (route candidates), sorted
	FileErrors []FileError // entries that could not be inspected (dangling links, loops, ...)
}

// Bounds for the recursive walks: loops are already excluded by real-path
// tracking, these only stop pathological trees from taking the run down.
const (
	maxWalkDepth = 64
	maxWalkDirs  = 100_000
)

// Discover lists the object files of the app described by cfg with Cloudwerk's
// rules, the nested object-looking files, and the route candidates. It never
// fails: what cannot be inspected becomes a FileError and the scan goes on.
func Discover(cfg Config) Discovery {
	appDir := filepath.Join(cfg.Root, cfg.AppDir)
	d := Discovery{ObjectsDir: filepath.Join(appDir, "objects")}
	exts := cfg.Extensions
	if len(exts) == 0 {
		exts = []string{".ts", ".tsx"}
	}

	if info, err := safefs.Stat(d.ObjectsDir); err == nil && !info.IsDir() {
		d.FileErrors = append(d.FileErrors, FileError{Path: d.ObjectsDir, Err: "objects is not a folder"})
	}
	walkTree(d.ObjectsDir, nil, func(ev walkEvent) {
		name := filepath.Base(ev.Path)
		if !IsObjectFileName(name, exts) {
			if ev.Err != nil && !errors.Is(ev.Err, fs.ErrNotExist) && !errors.Is(ev.Err, safefs.ErrNotRegular) {
				d.FileErrors = append(d.FileErrors, FileError{Path: ev.Path, Err: ev.Err.Error()})
			}
			return
		}
		switch {
		case ev.Err != nil:
			d.FileErrors = append(d.FileErrors, FileError{Path: ev.Path, Err: ev.Err.Error()})
		case ev.IsDir:
			if ev.Depth == 0 {
				d.FileErrors = append(d.FileErrors, FileError{Path: ev.Path, Err: "is a folder, not an object file"})
			}
		case ev.Depth == 0:
			d.Objects = append(d.Objects, ev.Path)
		default:
			d.Nested = append(d.Nested, ev.Path)
		}
	})

	skip := func(path string, depth int) bool {
		return depth == 0 && path == d.ObjectsDir
	}
	walkTree(appDir, skip, func(ev walkEvent) {
		name := filepath.Base(ev.Path)
		// Dot files are editor droppings (emacs lock files are dangling links).
		routeLike := !ev.IsDir && !strings.HasPrefix(name, ".") && hasExtension(name, exts) && !strings.HasSuffix(name, ".d.ts")
		if ev.Err != nil {
			if routeLike || !errors.Is(ev.Err, fs.ErrNotExist) && !errors.Is(ev.Err, safefs.ErrNotRegular) {
				d.FileErrors = append(d.FileErrors, FileError{Path: ev.Path, Err: ev.Err.Error()})
			}
			return
		}
		if routeLike {
			d.Routes = append(d.Routes, ev.Path)
		}
	})

	slices.Sort(d.Objects)
	slices.Sort(d.Nested)
	slices.Sort(d.Routes)
	slices.SortFunc(d.FileErrors, func(a, b FileError) int { return strings.Compare(a.Path, b.Path) })
	return d
}

// IsObjectFileName reports whether a file name is an object file name under
// Cloudwerk's scanner rules: a configured extension, and not a test, spec,
// declaration or index file.
func IsObjectFileName(name string, exts []string) bool {
	if !hasExtension(name, exts) {
		return false
	}
	if strings.Contains(name, ".test.") || strings.Contains(name, ".spec.") || strings.HasSuffix(name, ".d.ts") {
		return false
	}
	return name != "index.ts" && name != "index.tsx"
}

// ObjectFileBase is the file name without its extension: chat-room.ts -> chat-room.
func ObjectFileBase(path string) string {
	name := filepath.Base(path)
	return strings.TrimSuffix(name, filepath.Ext(name))
}

func hasExtension(name string, exts []string) bool {
	ext := filepath.Ext(name)
	return ext != "" && slices.Contains(exts, ext)
}

// walkEvent is one entry met by walkTree. Depth 0 is a direct child of the root
// (-1 is the root itself, when it cannot be listed).
type walkEvent struct {
	Path  string
	Depth int
	IsDir bool
	Err   error // the entry could not be inspected (dangling link, loop, permission)
}

// walkTree visits every entry below root iteratively (no recursion, so deep
// trees cannot blow the stack). Symlinks are followed; a directory is entered
// at most once by its real path, and a link back to an enclosing folder is
// reported as a loop. node_modules and dot folders are skipped, as are folders
// for which skip returns true. A missing root yields no events.
func walkTree(root string, skip func(path string, depth int) bool, visit func(walkEvent)) {
	realRoot, err := safefs.EvalSymlinks(root)
	if err != nil {
		return
	}
	if info, err := safefs.Stat(realRoot); err != nil || !info.IsDir() {
		return
	}
	type dir struct {
		path, real string
		depth      int
	}
	visited := map[string]bool{realRoot: true}
	stack := []dir{{root, realRoot, 0}}
	dirs := 0
	for len(stack) > 0 {
		cur := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		dirs++
		entries, err := safefs.ReadDir(cur.path)
		if err != nil {
			visit(walkEvent{Path: cur.path, Depth: cur.depth - 1, IsDir: true, Err: err})
			continue
		}
		var subdirs []dir
		for _, e := range entries {
			name := e.Name()
			path := filepath.Join(cur.path, name)
			ev := walkEvent{Path: path, Depth: cur.depth}
			isDir := e.IsDir()
			real := filepath.Join(cur.real, name)
			if e.Type()&fs.ModeSymlink != 0 {
				info, err := safefs.Stat(path)
				if err != nil {
					ev.Err = err
					visit(ev)
					continue
				}
				isDir = info.IsDir()
				if isDir {
					if real, err = safefs.EvalSymlinks(path); err != nil {
						ev.IsDir, ev.Err = true, err
						visit(ev)
						continue
					}
					if real == cur.real || strings.HasPrefix(cur.real, real+string(filepath.Separator)) {
						ev.IsDir, ev.Err = true, errors.New("symlink loop: links to an enclosing folder")
						visit(ev)
						continue
					}
				} else if !info.Mode().IsRegular() {
					ev.Err = safefs.NotRegular(path, info.Mode())
					visit(ev)
					continue
				}
			} else if !isDir && !e.Type().IsRegular() {
				// Sockets, devices, pipes: reported when their name makes them a
				// candidate (FILE_UNREADABLE), never opened.
				ev.Err = safefs.NotRegular(path, e.Type())
				visit(ev)
				continue
			}
			ev.IsDir = isDir
			visit(ev)
			if !isDir || name == "node_modules" || strings.HasPrefix(name, ".") {
				continue
			}
			if skip != nil && skip(path, cur.depth) {
				continue
			}
			if visited[real] {
				continue // the same folder reached through another link
			}
			if cur.depth+1 >= maxWalkDepth || dirs+len(stack)+len(subdirs) >= maxWalkDirs {
				visit(walkEvent{Path: path, Depth: cur.depth, IsDir: true, Err: errors.New("folder tree too deep or too large; not scanned")})
				continue
			}
			visited[real] = true
			subdirs = append(subdirs, dir{path, real, cur.depth + 1})
		}
		// Push in reverse so folders are visited in name order.
		for i := len(subdirs) - 1; i >= 0; i-- {
			stack = append(stack, subdirs[i])
		}
	}
}
