// This file defines completion: object names after `durableObjects.` and in
// `getDurableObject('`, RPC methods on a stub, config keys inside
// `defineDurableObject({ })`, and inside an object's functions what the handler
// context (`this.`), the object context (`this.ctx.`, init's `ctx.`) and its SQL
// handle (`ctx.sql.`) really offer.

package lsp

import (
	"context"
	"regexp"

	"go.lsp.dev/protocol"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

var (
	afterDurableObjects = regexp.MustCompile(`durableObjects\.([A-Za-z0-9_$]*)$`)
	afterGetCall        = regexp.MustCompile(`getDurableObject\(\s*['"]([A-Za-z0-9_-]*)$`)
	afterMember         = regexp.MustCompile(`([A-Za-z_$][A-Za-z0-9_$]*)\.([A-Za-z0-9_$]*)$`)

	afterSQL  = regexp.MustCompile(`(?:\bctx\.(?:storage\.)?sql|\bsql)\.[A-Za-z0-9_$]*$`)
	afterCtx  = regexp.MustCompile(`\bctx\.[A-Za-z0-9_$]*$`)
	afterThis = regexp.MustCompile(`\bthis\.[A-Za-z0-9_$]*$`)
)

// memberDoc is one member the completion offers, with its one-line description.
type memberDoc struct{ name, detail string }

// handlerContextMembers are what `this` is inside methods and handlers.
var handlerContextMembers = []memberDoc{
	{"state", "the object's state (durable: loaded before the call, saved after it)"},
	{"ctx", "the object context: storage, sql, id, getWebSockets, acceptWebSocket, env, getTags"},
}

// contextMemberDocs are the object context's members (diagnostics.ContextMembers).
var contextMemberDocs = []memberDoc{
	{"storage", "DurableObjectStorage: get, put, delete, list, setAlarm, transaction, ..."},
	{"sql", "SqlStorage (sqlite: true only): exec(query, ...bindings), databaseSize"},
	{"id", "DurableObjectId of this object"},
	{"getWebSockets", "getWebSockets(tag?: string): WebSocket[]"},
	{"acceptWebSocket", "acceptWebSocket(ws: WebSocket, tags?: string[]): void"},
	{"env", "the Worker's bindings (provided by the generated class)"},
	{"getTags", "getTags(ws: WebSocket): string[] (provided by the generated class)"},
}

// sqlStorageDocs are SqlStorage's members.
var sqlStorageDocs = []memberDoc{
	{"exec", "exec(query: string, ...bindings: unknown[]): SqlStorageCursor"},
	{"databaseSize", "databaseSize: number (bytes)"},
	{"Cursor", "the SqlStorageCursor class"},
	{"Statement", "the SqlStorageStatement class"},
}

// configKeys are the keys defineDurableObject reads.
var configKeys = []string{"name", "sqlite", "schema", "init", "methods", "fetch", "alarm", "webSocketMessage", "webSocketClose", "webSocketError"}

// Completion offers names for the context before the cursor.
func (s *Server) Completion(ctx context.Context, params *protocol.CompletionParams) (protocol.CompletionResult, error) {
	snap := s.snap.Load()
	path, ok := uriToPath(params.TextDocument.URI)
	if !ok {
		return protocol.CompletionItemSlice{}, nil
	}
	a := snap.appFor(path)
	text, ok, err := snap.textOf(path)
	if err != nil {
		return nil, err
	}
	if a == nil || !ok {
		return protocol.CompletionItemSlice{}, nil
	}
	off, err := offsetAt(text, params.Position)
	if err != nil {
		return protocol.CompletionItemSlice{}, nil
	}
	line := text[lineStart(text, off):off]
	if e := a.entry(path); e != nil {
		if docs := contextCompletion(line); docs != nil {
			items := protocol.CompletionItemSlice{}
			for _, d := range docs {
				items = append(items, protocol.CompletionItem{Label: d.name, Kind: protocol.CompletionItemKindProperty,
					Detail: protocol.NewOptional(d.detail)})
			}
			return items, nil
		}
		return configKeyItems(e, off), nil
	}
	items := protocol.CompletionItemSlice{}
	switch {
	case afterDurableObjects.MatchString(line):
		for _, e := range a.entries() {
			items = append(items, objectItem(e, e.ClassName))
		}
	case afterGetCall.MatchString(line):
		for _, e := range a.entries() {
			items = append(items, objectItem(e, e.ObjectName))
		}
	default:
		m := afterMember.FindStringSubmatch(line)
		if m == nil {
			return items, nil
		}
		if e := stubObject(a, text[:off], m[1]); e != nil && e.Def != nil {
			for i := range e.Def.Methods {
				meth := &e.Def.Methods[i]
				items = append(items, protocol.CompletionItem{Label: meth.Name, Kind: protocol.CompletionItemKindMethod,
					Detail: protocol.NewOptional(meth.Signature().String())})
			}
		}
	}
	return items, nil
}

// contextCompletion picks the members to offer after `this.`, `ctx.` or
// `sql.` (nil when the line ends in none of them).
func contextCompletion(line string) []memberDoc {
	switch {
	case afterSQL.MatchString(line):
		return sqlStorageDocs
	case afterCtx.MatchString(line):
		return contextMemberDocs
	case afterThis.MatchString(line):
		return handlerContextMembers
	}
	return nil
}

func objectItem(e *analysis.Entry, label string) protocol.CompletionItem {
	return protocol.CompletionItem{Label: label, Kind: protocol.CompletionItemKindClass,
		Detail: protocol.NewOptional("durable object " + e.BindingName + " (" + storageOf(e) + ")")}
}

// stubObject finds the object behind variable name: `const name =
// durableObjects.X.get(...)` or `getDurableObject('x').get(...)` earlier in the text.
func stubObject(a *appState, before, name string) *analysis.Entry {
	re, err := regexp.Compile(`\b` + regexp.QuoteMeta(name) + `\s*=\s*(?:await\s+)?(?:durableObjects\.([A-Za-z0-9_$]+)|getDurableObject\(\s*['"]([A-Za-z0-9_-]+)['"]\s*\))\.get\(`)
	if err != nil {
		return nil
	}
	all := re.FindAllStringSubmatch(before, -1)
	if len(all) == 0 {
		return nil
	}
	last := all[len(all)-1]
	obj := last[1]
	if obj == "" {
		obj = last[2]
	}
	return a.lookupObject(obj)
}

// configKeyItems offers the config keys not yet present when the cursor is in
// the config object but not inside a value.
func configKeyItems(e *analysis.Entry, off int) protocol.CompletionItemSlice {
	items := protocol.CompletionItemSlice{}
	d := e.Def
	if d == nil || !d.ConfigIsLiteral || off <= int(d.ConfigAt.Start.Offset) || off >= int(d.ConfigAt.End.Offset) {
		return items
	}
	for _, f := range d.Fields {
		if off > int(f.Value.Start.Offset) && off < int(f.Value.End.Offset) {
			return items
		}
	}
	for _, k := range configKeys {
		if d.Has(k) {
			continue
		}
		items = append(items, protocol.CompletionItem{Label: k, Kind: protocol.CompletionItemKindProperty,
			Detail: protocol.NewOptional("defineDurableObject config")})
	}
	return items
}

// lineStart is where the line holding off starts ("\n", "\r\n" and a lone "\r" end lines).
func lineStart(text string, off int) int {
	for i := off - 1; i >= 0; i-- {
		if text[i] == '\n' || text[i] == '\r' {
			return i + 1
		}
	}
	return 0
}
