// This file defines the code lens above defineDurableObject:
// "COUNTER · SQLite · 2 methods · migrated v1".

package lsp

import (
	"context"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/wrangler"
	"github.com/cloudwerk/cloudwerk-lsp/diagnostics"
)

// CodeLens summarises the object defined by the document.
func (s *Server) CodeLens(ctx context.Context, params *protocol.CodeLensParams) ([]protocol.CodeLens, error) {
	path, ok := uriToPath(params.TextDocument.URI)
	if !ok {
		return nil, nil
	}
	a := s.snap.Load().appFor(path)
	if a == nil {
		return nil, nil
	}
	e := a.entry(path)
	if e == nil || e.Def == nil || e.Def.Export != analysis.ExportDefine {
		return nil, nil
	}
	r := toProtoRange(e.Def.CallAt)
	r.End = r.Start
	return []protocol.CodeLens{{Range: r, Command: protocol.Command{Title: lensTitle(a, e)}}}, nil
}

func lensTitle(a *appState, e *analysis.Entry) string {
	parts := []string{e.BindingName, storageOf(e), diagnostics.Plural(len(e.Def.Methods), "method")}
	status := migrationStatus(a, e)
	if live := liveClass(a, e); live != nil {
		status = "migrated " + live.CreatedBy
	}
	parts = append(parts, status)
	return strings.Join(parts, " · ")
}

func liveClass(a *appState, e *analysis.Entry) *wrangler.LiveClass {
	if w := a.app.Wrangler; w != nil && w.Parsed() {
		return w.Ledger().Live[e.ClassName]
	}
	return nil
}
