// This file defines code actions: quick fixes from the findings' fixes
// (edits, file renames, server commands) and the source action that
// regenerates Cloudwerk's generated files.

package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/safefs"
	"github.com/cloudwerk/cloudwerk-lsp/codegen"
	"github.com/cloudwerk/cloudwerk-lsp/diagnostics"
)

// codeActionKindGenerate is the source action regenerating types, classes and wrangler config.
const codeActionKindGenerate protocol.CodeActionKind = "source.cloudwerk.generate"

// CodeAction answers quick fixes for the findings under the range and, when
// asked for source actions, the generate action.
func (s *Server) CodeAction(ctx context.Context, params *protocol.CodeActionParams) ([]protocol.CommandOrCodeAction, error) {
	path, ok := uriToPath(params.TextDocument.URI)
	if !ok {
		return nil, nil
	}
	snap := s.snap.Load()
	out := []protocol.CommandOrCodeAction{}
	if wants(params.Context.Only, protocol.CodeActionKindQuickFix) {
		// Several findings on one line often share a fix (three SQL findings all
		// fixed by `sqlite: true`): the menu offers it once, for all of them.
		seen := map[string]*protocol.CodeAction{}
		for _, d := range s.diag.diagnosticsFor(path) {
			if !overlaps(d, params) {
				continue
			}
			pd := toProtoDiagnostic(d)
			for _, fix := range d.Fixes {
				key := fmt.Sprintf("%q %v %v %q %q", fix.Title, fix.Edits, fix.Renames, fix.Command, fix.Args)
				if a := seen[key]; a != nil {
					a.Diagnostics = append(a.Diagnostics, pd)
					continue
				}
				if a := s.fixAction(snap, fix, pd); a != nil {
					seen[key] = a
					out = append(out, a)
				}
			}
		}
	}
	if wants(params.Context.Only, codeActionKindGenerate) {
		if a := snap.appFor(path); a != nil {
			if act := s.generateAction(ctx, snap, a); act != nil {
				out = append(out, act)
			}
		}
	}
	return out, nil
}

// wants reports whether kind passes the client's `only` filter (kinds are
// hierarchical: "source" selects "source.cloudwerk.generate").
func wants(only []protocol.CodeActionKind, kind protocol.CodeActionKind) bool {
	if len(only) == 0 {
		return true
	}
	for _, o := range only {
		if o == kind || strings.HasPrefix(string(kind), string(o)+".") {
			return true
		}
	}
	return false
}

// overlaps reports whether finding d is one the client listed, or lies on the
// requested range.
func overlaps(d diagnostics.Diagnostic, params *protocol.CodeActionParams) bool {
	for _, cd := range params.Context.Diagnostics {
		if c, ok := cd.Code.(protocol.String); ok && string(c) == string(d.Code) && sameRange(d.Range, cd.Range) {
			return true
		}
	}
	r := toProtoRange(d.Range)
	return !posLess(params.Range.End, r.Start) && !posLess(r.End, params.Range.Start)
}

func posLess(a, b protocol.Position) bool {
	return a.Line < b.Line || (a.Line == b.Line && a.Character < b.Character)
}

// fixAction turns one engine fix into a code action: a workspace edit when the
// client can apply it (file renames need resource operations), else a server
// command doing the same on disk.
func (s *Server) fixAction(snap *snapshot, fix diagnostics.Fix, pd protocol.Diagnostic) *protocol.CodeAction {
	kind := protocol.CodeActionKindQuickFix
	a := &protocol.CodeAction{Title: fix.Title, Kind: &kind, Diagnostics: []protocol.Diagnostic{pd}}
	if fix.Preferred {
		yes := true
		a.IsPreferred = &yes
	}
	// Nothing the client applies may land outside the workspace, links resolved.
	for _, r := range fix.Renames {
		if f := snap.folderOf(r.From); f == "" || safefs.CheckInside(f, r.From) != nil || safefs.CheckInside(f, r.To) != nil {
			return nil
		}
	}
	for _, e := range fix.Edits {
		if f := snap.folderOf(e.Path); f == "" || writable(f, e.Path) != nil {
			return nil
		}
	}
	switch {
	case len(fix.Renames) > 0 && !s.caps.resourceOps:
		if len(fix.Edits) > 0 {
			return nil // cannot be applied atomically without resource operations
		}
		args := make([]string, 0, 2*len(fix.Renames))
		for _, r := range fix.Renames {
			args = append(args, r.From, r.To)
		}
		a.Command = command(fix.Title, cmdRenameFiles, args...)
		return a
	case len(fix.Renames) > 0 || len(fix.Edits) > 0:
		a.Edit = s.workspaceEdit(snap, fix)
	}
	if fix.Command != "" {
		a.Command = command(fix.Title, fix.Command, fix.Args...)
	}
	if a.Edit == nil && a.Command.Command == "" {
		return nil
	}
	return a
}

// workspaceEdit converts a fix's edits and renames. With resource operations
// it uses documentChanges (versioned edits, then renames); otherwise changes.
func (s *Server) workspaceEdit(snap *snapshot, fix diagnostics.Fix) *protocol.WorkspaceEdit {
	byPath := map[string][]protocol.TextDocumentEditElement{}
	var order []string
	for _, e := range fix.Edits {
		if _, ok := byPath[e.Path]; !ok {
			order = append(order, e.Path)
		}
		byPath[e.Path] = append(byPath[e.Path], &protocol.TextEdit{Range: toProtoRange(e.Range), NewText: e.NewText})
	}
	if !s.caps.resourceOps {
		we := &protocol.WorkspaceEdit{Changes: map[uri.URI][]protocol.TextEdit{}}
		for _, p := range order {
			for _, el := range byPath[p] {
				we.Changes[docURI(snap, p)] = append(we.Changes[docURI(snap, p)], *el.(*protocol.TextEdit))
			}
		}
		return we
	}
	we := &protocol.WorkspaceEdit{}
	for _, p := range order {
		id := protocol.OptionalVersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: docURI(snap, p)}}
		if f := snap.open[p]; f != nil {
			v := f.version
			id.Version = &v
		}
		we.DocumentChanges = append(we.DocumentChanges, &protocol.TextDocumentEdit{TextDocument: id, Edits: byPath[p]})
	}
	for _, r := range fix.Renames {
		we.DocumentChanges = append(we.DocumentChanges, &protocol.RenameFile{Kind: "rename", OldURI: docURI(snap, r.From), NewURI: pathToURI(r.To)})
	}
	return we
}

// docURI is the URI the client uses for path (its own spelling when open).
func docURI(snap *snapshot, path string) uri.URI {
	if f := snap.open[path]; f != nil {
		return f.uri
	}
	return pathToURI(path)
}

// command builds an LSP command with string arguments.
func command(title, name string, args ...string) protocol.Command {
	c := protocol.Command{Title: title, Command: name}
	for _, a := range args {
		raw, _ := json.Marshal(a)
		c.Arguments = append(c.Arguments, raw)
	}
	return c
}

// generateAction offers regenerating the app's generated files: as
// documentChanges with CreateFile when the client supports resource operations
// (and nothing must be deleted), else as the server-side generate command.
func (s *Server) generateAction(ctx context.Context, snap *snapshot, a *appState) *protocol.CodeAction {
	kind := codeActionKindGenerate
	act := &protocol.CodeAction{Title: "Cloudwerk: regenerate types, classes and wrangler config", Kind: &kind}
	if !s.caps.resourceOps {
		act.Command = command(act.Title, diagnostics.GenerateCommand, a.app.Root)
		return act
	}
	changes, err := codegen.Plan(a.materialized(), codegen.Options{})
	if err != nil {
		act.Disabled = protocol.CodeActionDisabled{Reason: err.Error()}
		return act
	}
	if len(changes) == 0 {
		return nil
	}
	we := &protocol.WorkspaceEdit{}
	for _, c := range changes {
		if err := writable(a.app.Root, c.Path); err != nil {
			act.Disabled = protocol.CodeActionDisabled{Reason: err.Error()}
			act.Edit = nil
			return act
		}
		if c.Delete {
			act.Command = command(act.Title, diagnostics.GenerateCommand, a.app.Root)
			return act
		}
		u := docURI(snap, c.Path)
		id := protocol.OptionalVersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: u}}
		old := string(c.Old)
		if f := snap.open[c.Path]; f != nil {
			v := f.version
			id.Version = &v
			old = f.text
		}
		if !c.Exists {
			we.DocumentChanges = append(we.DocumentChanges, &protocol.CreateFile{Kind: "create", URI: u})
			old = ""
		} else if _, err := os.Stat(c.Path); err != nil {
			continue
		}
		end := positionAt(old, len(old))
		we.DocumentChanges = append(we.DocumentChanges, &protocol.TextDocumentEdit{TextDocument: id, Edits: []protocol.TextDocumentEditElement{
			&protocol.TextEdit{Range: protocol.Range{End: end}, NewText: string(c.New)},
		}})
	}
	act.Edit = we
	return act
}
