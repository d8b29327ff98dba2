// This file defines the code lens above defineDurableObject:
// "COUNTER · SQLite · 2 methods · migrated v1", and asks the client to refresh
// the lenses when another file (wrangler's ledger) may have changed them.

package lsp

import (
	"context"
	"strings"
	"sync"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

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

// codeLensRefreshSupported reads workspace.codeLens.refreshSupport.
func codeLensRefreshSupported(c *protocol.ClientCapabilities) bool {
	ws := c.Workspace
	return ws != nil && ws.CodeLens != nil && ws.CodeLens.RefreshSupport != nil && *ws.CodeLens.RefreshSupport
}

// lensRefresher coalesces workspace/codeLens/refresh requests: one in flight at a
// time, and one more after it when passes asked for it meanwhile.
type lensRefresher struct {
	mu       sync.Mutex
	inFlight bool
	again    bool
}

// refreshCodeLenses asks the client to re-request every code lens after a whole-app
// pass. A lens shows the ledger ("migrated v2"), which changes when wrangler.toml
// does, and clients re-ask only for the lenses of the document that changed: without
// it VS Code kept "not migrated yet" after generate had written the migration.
func (s *Server) refreshCodeLenses() {
	if !s.caps.lensRefresh || s.client == nil {
		return
	}
	r := &s.lensRefresh
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.inFlight {
		r.again = true
		return
	}
	r.inFlight = true
	// Not in s.wg: the publisher calling this is not either, and the request ends
	// with the connection context.
	go func() {
		for {
			// A request: the client answers once it has asked for the lenses again.
			if err := s.client.CodeLensRefresh(s.ctx); err != nil && s.ctx.Err() == nil {
				s.log.Debug("workspace/codeLens/refresh failed", zap.Error(err))
			}
			r.mu.Lock()
			if !r.again || s.ctx.Err() != nil {
				r.inFlight, r.again = false, false
				r.mu.Unlock()
				return
			}
			r.again = false
			r.mu.Unlock()
		}
	}()
}
