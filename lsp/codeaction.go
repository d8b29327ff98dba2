// This file defines code actions: quick fixes from the findings' fixes and the
// source action that regenerates Cloudwerk's generated files.
package lsp

import "go.lsp.dev/protocol"

// codeActionKindGenerate is the source action regenerating types, classes and wrangler config.
const codeActionKindGenerate protocol.CodeActionKind = "source.cloudwerk.generate"
