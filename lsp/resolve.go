// This file defines what a position points at: an object or one of its
// methods, reached from an object file, a route file or a wrangler binding.

package lsp

import (
	"errors"
	"io/fs"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/safefs"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/wrangler"
	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// target is the object (and optionally method) under the cursor.
type target struct {
	app    *appState
	entry  *analysis.Entry
	method *analysis.Method
	at     analysis.Range // the reference under the cursor
}

// textOf returns the content the server sees for path: the editor's buffer
// when open, else the file on disk, read through the safe reader. A file that
// does not exist is (_, false, nil); one that cannot be read (a FIFO, a device,
// a file too large) is an error the request answers with.
func (s *snapshot) textOf(path string) (string, bool, error) {
	if f := s.open[path]; f != nil {
		return f.text, true, nil
	}
	data, err := safefs.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, unreadable(err)
	}
	return string(data), true, nil
}

// unreadable is the reply to a request naming a file the server refuses to read.
func unreadable(err error) error {
	return jsonrpc2.Errorf(jsonrpc2.Code(protocol.LSPErrorCodesRequestFailed), "cannot read the document: %v", err)
}

// resolve finds the target at byte offset off of path.
func (s *snapshot) resolve(path string, off int) *target {
	a := s.appFor(path)
	if a == nil {
		return nil
	}
	if e := a.entry(path); e != nil && e.Def != nil {
		for i := range e.Def.Methods {
			m := &e.Def.Methods[i]
			if contains(m.NameAt, off) {
				return &target{app: a, entry: e, method: m, at: m.NameAt}
			}
		}
		if e.Def.Export == analysis.ExportDefine && contains(e.Def.CallAt, off) {
			return &target{app: a, entry: e, at: e.Def.CallAt}
		}
		return nil
	}
	if r := a.route(path); r != nil {
		for _, ref := range r.Refs {
			if !contains(ref.At, off) {
				continue
			}
			e := a.lookupObject(ref.Object)
			if e == nil {
				return nil
			}
			t := &target{app: a, entry: e, at: ref.At}
			if ref.Kind == analysis.RefStubMethod {
				t.method = findMethod(e, ref.Method)
			}
			return t
		}
		return nil
	}
	if w := a.app.Wrangler; w != nil && w.Path == path {
		bindings := append([]wrangler.DOBinding(nil), w.Bindings...)
		for _, env := range w.Envs {
			bindings = append(bindings, env.Bindings...)
		}
		for _, b := range bindings {
			if !b.Local() || !contains(b.At, off) {
				continue
			}
			if list := a.app.Manifest.ByClass.Get(b.ClassName); len(list) > 0 {
				return &target{app: a, entry: a.entry(list[0].Path), at: b.At}
			}
			if e := a.lookupObject(b.Name); e != nil {
				return &target{app: a, entry: e, at: b.At}
			}
		}
	}
	return nil
}

func findMethod(e *analysis.Entry, name string) *analysis.Method {
	if e.Def == nil {
		return nil
	}
	for i := range e.Def.Methods {
		if e.Def.Methods[i].Name == name {
			return &e.Def.Methods[i]
		}
	}
	return nil
}
