// This file defines workspace/willRenameFiles and didRenameFiles: renaming an
// object file renames its class, which the wrangler ledger must record as
// renamed_classes (never as a delete plus a create, which destroys data).

package lsp

import (
	"context"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"go.uber.org/zap"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/codegen"
)

// WillRenameFiles returns the wrangler edit recording each renamed object
// class whose class the ledger already created.
func (s *Server) WillRenameFiles(ctx context.Context, params *protocol.RenameFilesParams) (*protocol.WorkspaceEdit, error) {
	snap := s.snap.Load()
	type appRenames struct {
		a       *appState
		renames []codegen.Rename
		moved   map[string]string // old path -> new path
	}
	byRoot := map[string]*appRenames{}
	var order []string
	for _, f := range params.Files {
		from, ok1 := uriToPath(uri.URI(f.OldURI))
		to, ok2 := uriToPath(uri.URI(f.NewURI))
		if !ok1 || !ok2 || !snap.inWorkspace(from) || !snap.inWorkspace(to) {
			continue
		}
		a := snap.appFor(from)
		if a == nil || snap.appFor(to) != a || !isObjectFile(a.app, to) {
			continue
		}
		old := a.entry(from)
		if old == nil {
			continue
		}
		renamed := analysis.NewEntry(to, old.Def)
		ar := byRoot[a.app.Root]
		if ar == nil {
			ar = &appRenames{a: a, moved: map[string]string{}}
			byRoot[a.app.Root] = ar
			order = append(order, a.app.Root)
		}
		ar.moved[from] = to
		if renamed.ClassName != old.ClassName && liveClass(a, old) != nil {
			ar.renames = append(ar.renames, codegen.Rename{From: old.ClassName, To: renamed.ClassName})
		}
	}
	edit := &protocol.WorkspaceEdit{Changes: map[uri.URI][]protocol.TextEdit{}}
	for _, root := range order {
		ar := byRoot[root]
		if len(ar.renames) == 0 {
			continue
		}
		app := ar.a.materialized()
		next := *app
		m := app.Manifest
		for from, to := range ar.moved {
			e := m.Lookup(from)
			m = m.Without(from).With(analysis.NewEntry(to, e.Def))
		}
		next.Manifest = m
		plan, err := codegen.PlanWrangler(&next, codegen.Options{Targets: codegen.TargetWrangler, Renames: ar.renames})
		if err != nil {
			s.log.Warn("willRenameFiles: wrangler plan failed", zap.Error(err))
			s.showToClient(protocol.MessageTypeWarning, "cloudwerk: the rename is not recorded in the wrangler config: %v", err)
			continue
		}
		if plan == nil || !plan.Exists || !plan.Changed() {
			continue
		}
		if err := writable(ar.a.app.Root, plan.Path); err != nil {
			s.showToClient(protocol.MessageTypeWarning, "cloudwerk: the rename is not recorded in the wrangler config: %v", err)
			continue
		}
		old := string(plan.Old)
		if f := snap.open[plan.Path]; f != nil {
			if f.text != old {
				s.showToClient(protocol.MessageTypeWarning, "cloudwerk: save %s before renaming an object so the rename can be recorded", plan.Path)
				continue
			}
		}
		u := docURI(snap, plan.Path)
		edit.Changes[u] = append(edit.Changes[u], protocol.TextEdit{Range: protocol.Range{End: positionAt(old, len(old))}, NewText: string(plan.New)})
	}
	if len(edit.Changes) == 0 {
		return nil, nil
	}
	return edit, nil
}

// DidRenameFiles applies renames done by the client to the server's view.
func (s *Server) DidRenameFiles(ctx context.Context, params *protocol.RenameFilesParams) error {
	var pairs [][2]string
	for _, f := range params.Files {
		from, ok1 := uriToPath(uri.URI(f.OldURI))
		to, ok2 := uriToPath(uri.URI(f.NewURI))
		if ok1 && ok2 {
			pairs = append(pairs, [2]string{from, to})
		}
	}
	s.background(func() {
		for _, p := range pairs {
			s.fileRenamed(p[0], p[1])
		}
	})
	return nil
}
