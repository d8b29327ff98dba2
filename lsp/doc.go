// Package lsp is the language server: the protocol adapter over go.lsp.dev, one
// file per LSP feature, immutable snapshots of the workspace, and the diagnostics
// publisher. It converts between LSP's (line, UTF-16 column) positions and the
// engine's byte offsets at the edge and holds no rules of its own: findings,
// fixes and edits come from analysis, diagnostics and codegen. Only cmd imports it.
package lsp
