// Package codegen holds pure renderers: durable-objects.d.ts, durable-object
// classes, wrangler config edits and migration planning. It never imports diagnostics.
package codegen
