// Package codegen holds the pure renderers of what `generate` writes:
// durable-objects.d.ts, the durable-object classes, wrangler config edits (TOML
// and JSONC, reading documents through analysis/wrangler) and migration planning;
// plus the safe, locked, atomic writes that apply a plan. It builds on analysis
// and must not import diagnostics or lsp.
package codegen
