// This file defines go-to-definition: from `durableObjects.Counter`,
// `stub.increment`, `getDurableObject('counter')` or a wrangler binding entry
// to the object file or the method.

package lsp

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

// Definition jumps to the object's defineDurableObject call, or to the method.
func (s *Server) Definition(ctx context.Context, params *protocol.DefinitionParams) (protocol.DefinitionResult, error) {
	snap := s.snap.Load()
	t, err := snap.at(params.TextDocument.URI, params.Position)
	if t == nil || t.entry == nil {
		return nil, err
	}
	loc := &protocol.Location{URI: docURI(snap, t.entry.Path)}
	switch {
	case t.method != nil:
		loc.Range = toProtoRange(t.method.NameAt)
	case t.entry.Def != nil && t.entry.Def.Export == analysis.ExportDefine:
		loc.Range = toProtoRange(t.entry.Def.CallAt)
	case t.entry.Def != nil:
		loc.Range = toProtoRange(t.entry.Def.ExportAt)
	}
	return loc, nil
}
