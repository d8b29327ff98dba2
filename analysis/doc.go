// Package analysis reads a Cloudwerk app without running it: it finds apps and
// their object and route files, reads cloudwerk.config statically, extracts each
// object's defineDurableObject definition and each route's references with
// tree-sitter, derives the convention's names, and keeps the manifest, the
// on-disk extraction cache and incrementally re-parsed open documents. It owns
// the fact model every other package consumes (Definition, Method, Entry, App).
// Positions come from analysis/textpos and wrangler files from analysis/wrangler;
// it must not import codegen, diagnostics, lsp or any LSP types.
package analysis
