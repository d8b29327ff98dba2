// Package textpos is the one home of source positions: Pos (byte offset, line and
// UTF-16 column), Range and Span, and LineIndex, which converts between byte
// offsets and (line, UTF-16 column) pairs. "\n", "\r\n" and a lone "\r" all end a
// line, as LSP counts them. It is a leaf: it imports only the standard library, so
// analysis, codegen, diagnostics and lsp can all share it.
package textpos
