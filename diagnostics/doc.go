// Package diagnostics runs the rules over an analysed app and turns what they
// find into Diagnostic values (code, severity, range, related places, fixes); it
// owns the rule catalog (each code's severity, scope and needs), `check` as a
// library call, and the human, JSON, SARIF and GitHub printers. It builds on
// analysis and may call codegen to tell whether a generated file is stale; it
// must not import lsp or any LSP types.
package diagnostics
