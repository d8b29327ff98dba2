// This file defines document symbols (the object class with its methods and
// handlers) and workspace symbols (every object and method, by query).

package lsp

import (
	"context"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

// maxWorkspaceSymbols bounds a workspace/symbol answer.
const maxWorkspaceSymbols = 500

// DocumentSymbol lists the object of an object file with its methods and handlers.
func (s *Server) DocumentSymbol(ctx context.Context, params *protocol.DocumentSymbolParams) (protocol.DocumentSymbolResult, error) {
	path, ok := uriToPath(params.TextDocument.URI)
	if !ok {
		return protocol.DocumentSymbolSlice{}, nil
	}
	a := s.snap.Load().appFor(path)
	if a == nil {
		return protocol.DocumentSymbolSlice{}, nil
	}
	e := a.entry(path)
	if e == nil || e.Def == nil || e.Def.Export != analysis.ExportDefine {
		return protocol.DocumentSymbolSlice{}, nil
	}
	detail := "durable object " + e.BindingName
	obj := protocol.DocumentSymbol{Name: e.ClassName, Detail: &detail, Kind: protocol.SymbolKindClass,
		Range: toProtoRange(e.Def.CallAt), SelectionRange: toProtoRange(e.Def.CallAt)}
	for _, h := range analysis.HandlerFields {
		if f := e.Def.Fields[h]; f != nil {
			obj.Children = append(obj.Children, protocol.DocumentSymbol{Name: h, Kind: protocol.SymbolKindFunction,
				Range: toProtoRange(f.At), SelectionRange: toProtoRange(f.KeyAt)})
		}
	}
	for i := range e.Def.Methods {
		m := &e.Def.Methods[i]
		sig := m.Signature().String()
		obj.Children = append(obj.Children, protocol.DocumentSymbol{Name: m.Name, Detail: &sig, Kind: protocol.SymbolKindMethod,
			Range: toProtoRange(m.At), SelectionRange: toProtoRange(m.NameAt)})
	}
	return protocol.DocumentSymbolSlice{obj}, nil
}

// Symbols finds objects and methods whose name contains the query (case-insensitive).
func (s *Server) Symbols(ctx context.Context, params *protocol.WorkspaceSymbolParams) (protocol.WorkspaceSymbolResult, error) {
	snap := s.snap.Load()
	q := strings.ToLower(params.Query)
	out := protocol.WorkspaceSymbolSlice{}
	for _, a := range snap.apps {
		for _, e := range a.entries() {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if len(out) >= maxWorkspaceSymbols {
				return out, nil
			}
			if e.Def == nil || e.Def.Export != analysis.ExportDefine {
				continue
			}
			u := docURI(snap, e.Path)
			if strings.Contains(strings.ToLower(e.ClassName), q) || strings.Contains(strings.ToLower(e.ObjectName), q) {
				out = append(out, protocol.WorkspaceSymbol{
					BaseSymbolInformation: protocol.BaseSymbolInformation{Name: e.ClassName, Kind: protocol.SymbolKindClass},
					Location:              &protocol.Location{URI: u, Range: toProtoRange(e.Def.CallAt)},
				})
			}
			for i := range e.Def.Methods {
				m := &e.Def.Methods[i]
				if strings.Contains(strings.ToLower(m.Name), q) {
					container := e.ClassName
					out = append(out, protocol.WorkspaceSymbol{
						BaseSymbolInformation: protocol.BaseSymbolInformation{Name: m.Name, Kind: protocol.SymbolKindMethod, ContainerName: &container},
						Location:              &protocol.Location{URI: u, Range: toProtoRange(m.NameAt)},
					})
				}
			}
		}
	}
	return out, nil
}
