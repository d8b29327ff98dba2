package lsp

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/cloudwerk/cloudwerk-lsp/internal/testutil"
)

var demoRoute = `import { durableObjects, getDurableObject } from '@cloudwerk/core/bindings'

export async function GET() {
  const stub = durableObjects.Counter.get(durableObjects.Counter.idFromName('x'))
  return Response.json(await stub.increment(2))
}

export async function POST() {
  const ns = getDurableObject('counter')
  return new Response(String(ns))
}
`

func resourceCaps() protocol.ClientCapabilities {
	yes := true
	return protocol.ClientCapabilities{Workspace: &protocol.WorkspaceClientCapabilities{
		WorkspaceEdit: &protocol.WorkspaceEditClientCapabilities{DocumentChanges: &yes,
			ResourceOperations: []protocol.ResourceOperationKind{protocol.ResourceOperationKindCreate, protocol.ResourceOperationKindRename}},
	}}
}

func TestInvalidNameQuickFixRenamesTheFile(t *testing.T) {
	for _, tc := range []struct {
		name     string
		caps     protocol.ClientCapabilities
		resource bool
	}{
		{"resource operations", resourceCaps(), true},
		{"server command", protocol.ClientCapabilities{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, map[string]string{
				"cloudwerk.config.ts":      "export default {}\n",
				"app/objects/chat_room.ts": objectSource(""),
			})
			e.initialize(tc.caps)
			e.open("app/objects/chat_room.ts", 1)
			diags := e.client.waitDiags(t, e.uri("app/objects/chat_room.ts"), 1, hasCode("INVALID_NAME"))
			acts, err := e.server.CodeAction(e.ctx, &protocol.CodeActionParams{
				TextDocument: protocol.TextDocumentIdentifier{URI: e.uri("app/objects/chat_room.ts")},
				Range:        diags[0].Range,
				Context:      protocol.CodeActionContext{Diagnostics: diags, Only: []protocol.CodeActionKind{protocol.CodeActionKindQuickFix}},
			})
			if err != nil || len(acts) == 0 {
				t.Fatalf("code actions = %v, %v", acts, err)
			}
			act := acts[0].(*protocol.CodeAction)
			if act.IsPreferred == nil || !*act.IsPreferred {
				t.Errorf("fix %q is not preferred", act.Title)
			}
			want := filepath.Join(e.root, "app/objects/chat-room.ts")
			if tc.resource {
				if act.Edit == nil || len(act.Edit.DocumentChanges) != 1 {
					t.Fatalf("edit = %+v", act.Edit)
				}
				rf, ok := act.Edit.DocumentChanges[0].(*protocol.RenameFile)
				if !ok || rf.NewURI != pathToURI(want) {
					t.Fatalf("document change = %#v", act.Edit.DocumentChanges[0])
				}
				return
			}
			if act.Command.Command != cmdRenameFiles {
				t.Fatalf("command = %+v", act.Command)
			}
			if _, err := e.server.ExecuteCommand(e.ctx, &protocol.ExecuteCommandParams{Command: act.Command.Command, Arguments: act.Command.Arguments}); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(want); err != nil {
				t.Fatalf("file not renamed: %v", err)
			}
			// A path outside the workspace is refused.
			out := filepath.Join(t.TempDir(), "x.ts")
			args := command("", cmdRenameFiles, want, out).Arguments
			if _, err := e.server.ExecuteCommand(e.ctx, &protocol.ExecuteCommandParams{Command: cmdRenameFiles, Arguments: args}); err == nil {
				t.Fatal("rename outside the workspace was accepted")
			}
		})
	}
}

func TestHoverDefinitionCompletionLensSymbols(t *testing.T) {
	e := newEnv(t, map[string]string{
		"cloudwerk.config.ts":     "export default {}\n",
		"wrangler.toml":           testutil.CounterWrangler,
		"app/objects/counter.ts":  objectSource(""),
		"app/routes/api/route.ts": demoRoute,
	})
	e.initialize(protocol.ClientCapabilities{})
	text := e.open("app/routes/api/route.ts", 1)
	e.client.waitDiags(t, e.uri("app/routes/api/route.ts"), 1, nil)
	pos := func(needle string, delta int) protocol.Position {
		return positionAt(text, strings.Index(text, needle)+delta)
	}

	h, err := e.server.Hover(e.ctx, &protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: e.uri("app/routes/api/route.ts")}, Position: pos("Counter.get", 2)}})
	if err != nil || h == nil {
		t.Fatalf("hover = %v, %v", h, err)
	}
	md := h.Contents.(*protocol.MarkupContent).Value
	for _, want := range []string{"COUNTER", "SQLite", "migrated v1", "increment(by?: number)"} {
		if !strings.Contains(md, want) {
			t.Errorf("hover lacks %q:\n%s", want, md)
		}
	}

	def, err := e.server.Definition(e.ctx, &protocol.DefinitionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: e.uri("app/routes/api/route.ts")}, Position: pos("increment(2)", 1)}})
	if err != nil {
		t.Fatal(err)
	}
	loc, ok := def.(*protocol.Location)
	if !ok || loc.URI != e.uri("app/objects/counter.ts") || loc.Range.Start.Line != 10 {
		t.Fatalf("definition = %#v", def)
	}

	// getDurableObject('counter') and a wrangler binding entry lead to the object too.
	def, err = e.server.Definition(e.ctx, &protocol.DefinitionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: e.uri("app/routes/api/route.ts")}, Position: pos("'counter'", 2)}})
	if loc, ok := def.(*protocol.Location); err != nil || !ok || loc.URI != e.uri("app/objects/counter.ts") {
		t.Fatalf("definition from getDurableObject = %#v, %v", def, err)
	}
	wtext, _ := os.ReadFile(filepath.Join(e.root, "wrangler.toml"))
	def, err = e.server.Definition(e.ctx, &protocol.DefinitionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: e.uri("wrangler.toml")},
		Position:     positionAt(string(wtext), strings.Index(string(wtext), `class_name = "Counter"`)+3)}})
	if loc, ok := def.(*protocol.Location); err != nil || !ok || loc.URI != e.uri("app/objects/counter.ts") {
		t.Fatalf("definition from the wrangler binding = %#v, %v", def, err)
	}

	comp, err := e.server.Completion(e.ctx, &protocol.CompletionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: e.uri("app/routes/api/route.ts")}, Position: pos("increment(2)", 0)}})
	if err != nil {
		t.Fatal(err)
	}
	if items := comp.(protocol.CompletionItemSlice); len(items) != 1 || items[0].Label != "increment" {
		t.Fatalf("stub completion = %+v", items)
	}

	comp, err = e.server.Completion(e.ctx, &protocol.CompletionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: e.uri("app/routes/api/route.ts")}, Position: pos("Counter.get", 0)}})
	if items := comp.(protocol.CompletionItemSlice); err != nil || len(items) != 1 || items[0].Label != "Counter" {
		t.Fatalf("durableObjects. completion = %+v, %v", items, err)
	}
	otext := e.open("app/objects/counter.ts", 1)
	comp, err = e.server.Completion(e.ctx, &protocol.CompletionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: e.uri("app/objects/counter.ts")},
		Position:     positionAt(otext, strings.Index(otext, "  sqlite: true"))}})
	var keys []string
	for _, it := range comp.(protocol.CompletionItemSlice) {
		keys = append(keys, it.Label)
	}
	if err != nil || strings.Join(keys, ",") != "name,schema,fetch,alarm,webSocketMessage,webSocketClose,webSocketError" {
		t.Fatalf("config key completion = %v, %v", keys, err)
	}

	lenses, err := e.server.CodeLens(e.ctx, &protocol.CodeLensParams{TextDocument: protocol.TextDocumentIdentifier{URI: e.uri("app/objects/counter.ts")}})
	if err != nil || len(lenses) != 1 || lenses[0].Command.Title != "COUNTER · SQLite · 1 method · migrated v1" {
		t.Fatalf("code lens = %+v, %v", lenses, err)
	}

	syms, err := e.server.Symbols(e.ctx, &protocol.WorkspaceSymbolParams{Query: "incr"})
	n := 0
	switch v := syms.(type) {
	case protocol.WorkspaceSymbolSlice:
		n = len(v)
	case protocol.SymbolInformationSlice:
		n = len(v)
	}
	if err != nil || n != 1 {
		t.Fatalf("workspace symbols = %+v, %v", syms, err)
	}
}

func TestOutOfRangeEditIsReportedAndIgnored(t *testing.T) {
	e := newEnv(t, map[string]string{"cloudwerk.config.ts": "export default {}\n", "app/objects/counter.ts": objectSource("")})
	e.initialize(protocol.ClientCapabilities{})
	text := e.open("app/objects/counter.ts", 1)
	err := e.server.DidChange(e.ctx, &protocol.DidChangeTextDocumentParams{
		TextDocument: protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: e.uri("app/objects/counter.ts")}, Version: 2},
		ContentChanges: []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangePartial{
			Range: protocol.Range{Start: protocol.Position{Line: 999}, End: protocol.Position{Line: 999}}, Text: "x"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.client.waitFor(t, "an error message", func() bool {
		for _, m := range e.client.messages {
			if strings.Contains(m, "past the end") {
				return true
			}
		}
		return false
	})
	// Nothing of the change applies: the text and the version stay.
	e.client.waitDiags(t, e.uri("app/objects/counter.ts"), 1, nil)
	if got := e.conn.s.snap.Load().open[filepath.Join(e.root, "app/objects/counter.ts")]; got.text != text || got.version != 1 {
		t.Fatalf("document changed by an out-of-range edit: version %d", got.version)
	}
}

func TestCancelRequestWithNumericID(t *testing.T) {
	c, conn := rawConn(t)
	started := make(chan struct{})
	conn.s.testHook = func(ctx context.Context, method string) {
		if method == "workspace/symbol" {
			close(started)
			<-ctx.Done()
		}
	}
	ctx := context.Background()
	var out any
	if _, err := c.Call(ctx, "initialize", map[string]any{"processId": nil, "rootUri": nil, "capabilities": map[string]any{}}, &out); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := c.Call(ctx, "workspace/symbol", map[string]any{"query": ""}, &out)
		done <- err
	}()
	<-started
	// The client's first call was initialize (id 1): the symbol call has id 2.
	if err := c.Notify(ctx, "$/cancelRequest", json.RawMessage(`{"id":2}`)); err != nil {
		t.Fatal(err)
	}
	if err := <-done; wireCode(err) != protocol.CodeRequestCancelled {
		t.Fatalf("cancelled call: err = %v, want RequestCancelled", err)
	}
}

func TestInitialScanReportsProgress(t *testing.T) {
	e := newEnv(t, map[string]string{"cloudwerk.config.ts": "export default {}\n", "app/objects/counter.ts": objectSource("")})
	yes := true
	e.initialize(protocol.ClientCapabilities{Window: &protocol.WindowClientCapabilities{WorkDoneProgress: &yes}})
	e.client.waitFor(t, "progress begin and end", func() bool {
		p := strings.Join(e.client.progress, ",")
		return strings.HasPrefix(p, "begin") && strings.HasSuffix(p, "end") && len(e.client.created) == 1
	})
}

// Hover explains a run-time finding under the cursor, and completion inside an
// object's functions offers what the handler context, the object context and
// the SQL handle really have.
func TestRuntimeHoverAndContextCompletion(t *testing.T) {
	object := `import { defineDurableObject } from '@cloudwerk/durable-object'
export default defineDurableObject({
  sqlite: true,
  init(ctx) { ctx.sql.exec('CREATE TABLE IF NOT EXISTS t (x)'); return {} },
  methods: {
    post(text: string) {
      this.broadcast(text)
      this.ctx.sql.exec('INSERT INTO t VALUES (?)', text)
    },
  },
})
`
	route := `import { durableObjects } from '@cloudwerk/core/bindings'
export const GET = () => durableObjects.Chat.get('lobby').post('hi')
`
	e := newEnv(t, map[string]string{
		"app/objects/chat.ts":     object,
		"app/routes/api/route.ts": route,
	})
	e.initialize(protocol.ClientCapabilities{})
	otext := e.open("app/objects/chat.ts", 1)
	e.client.waitDiags(t, e.uri("app/objects/chat.ts"), 1, hasCode("UNKNOWN_CONTEXT_MEMBER"))
	rtext := e.open("app/routes/api/route.ts", 1)
	e.client.waitDiags(t, e.uri("app/routes/api/route.ts"), 1, hasCode("STUB_ID"))
	// An edit (the file pass) brings a new run-time finding and drops the old one.
	edited := otext
	e.edit("app/objects/chat.ts", 2, &edited, "this.broadcast(text)", "this.ctx.sql.run('SELECT 1')")
	e.client.waitDiags(t, e.uri("app/objects/chat.ts"), 2, func(ds []protocol.Diagnostic) bool {
		return hasCode("SQL_API")(ds) && !hasCode("UNKNOWN_CONTEXT_MEMBER")(ds)
	})
	e.edit("app/objects/chat.ts", 3, &edited, "this.ctx.sql.run('SELECT 1')", "this.broadcast(text)")
	e.client.waitDiags(t, e.uri("app/objects/chat.ts"), 3, hasCode("UNKNOWN_CONTEXT_MEMBER"))

	hover := func(rel, text, needle string, delta int) string {
		t.Helper()
		h, err := e.server.Hover(e.ctx, &protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
			TextDocument: protocol.TextDocumentIdentifier{URI: e.uri(rel)}, Position: positionAt(text, strings.Index(text, needle)+delta)}})
		if err != nil || h == nil {
			t.Fatalf("hover at %q = %v, %v", needle, h, err)
		}
		return h.Contents.(*protocol.MarkupContent).Value
	}
	if md := hover("app/objects/chat.ts", otext, "broadcast", 2); !strings.Contains(md, "UNKNOWN_CONTEXT_MEMBER") || !strings.Contains(md, "{ state, ctx }") {
		t.Errorf("hover on this.broadcast:\n%s", md)
	}
	if md := hover("app/routes/api/route.ts", rtext, "'lobby'", 1); !strings.Contains(md, "STUB_ID") || !strings.Contains(md, "Quick fix: Use getByName") {
		t.Errorf("hover on get('lobby'):\n%s", md)
	}

	complete := func(after string) []string {
		t.Helper()
		comp, err := e.server.Completion(e.ctx, &protocol.CompletionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
			TextDocument: protocol.TextDocumentIdentifier{URI: e.uri("app/objects/chat.ts")},
			Position:     positionAt(otext, strings.Index(otext, after)+len(after))}})
		if err != nil {
			t.Fatal(err)
		}
		var labels []string
		for _, it := range comp.(protocol.CompletionItemSlice) {
			labels = append(labels, it.Label)
		}
		return labels
	}
	for after, want := range map[string]string{
		"      this.":         "state,ctx",
		"      this.ctx.":     "storage,sql,id,getWebSockets,acceptWebSocket,env,getTags",
		"      this.ctx.sql.": "exec,databaseSize,Cursor,Statement",
		"init(ctx) { ctx.":    "storage,sql,id,getWebSockets,acceptWebSocket,env,getTags",
	} {
		if got := strings.Join(complete(after), ","); got != want {
			t.Errorf("completion after %q = %s, want %s", after, got, want)
		}
	}
}
