// Package wrangler reads wrangler configuration: it finds the file wrangler would
// use for an app (wrangler.json, wrangler.jsonc or wrangler.toml), parses it into a
// Doc that remembers where every value sits, reads the durable-object bindings,
// environments, migrations and exports into a Config, and replays the migration
// ledger. It imports only textpos and safefs from this module (never analysis, codegen,
// diagnostics or lsp), so every layer can read wrangler files the same way.
package wrangler
