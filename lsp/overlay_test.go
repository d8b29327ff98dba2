package lsp

import (
	"encoding/json"
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/wrangler"
	"github.com/cloudwerk/cloudwerk-lsp/internal/testutil"
)

// unsavedWrangler is the counter wrangler.toml with unsaved lines above and below it.
var unsavedWrangler = "# unsaved line 1\n# unsaved line 2\n" + testutil.CounterWrangler + "\n[vars]\nUNSAVED = \"1\"\n"

// applyEdits applies LSP text edits (non-overlapping) to text.
func applyEdits(t *testing.T, text string, edits []protocol.TextEdit) string {
	t.Helper()
	type span struct {
		start, end int
		text       string
	}
	var spans []span
	for _, e := range edits {
		start, end, err := rangeToOffsets(text, e.Range)
		if err != nil {
			t.Fatalf("edit %+v does not fit the buffer: %v", e.Range, err)
		}
		spans = append(spans, span{start, end, e.NewText})
	}
	for i := len(spans) - 1; i >= 0; i-- { // edits come in order; apply from the end
		text = text[:spans[i].start] + spans[i].text + text[spans[i].end:]
	}
	return text
}

// TestUnsavedWranglerBufferFeedsTheEngine: with wrangler.toml open and unsaved,
// its diagnostics, quick fixes and the generate action are computed on the
// buffer: they point at the buffer's lines, applying them keeps the unsaved
// lines and valid TOML, and the generate command refuses to write under it.
func TestUnsavedWranglerBufferFeedsTheEngine(t *testing.T) {
	e := newEnv(t, map[string]string{
		"cloudwerk.config.ts":    "export default {}\n",
		"wrangler.toml":          testutil.CounterWrangler,
		"app/objects/counter.ts": objectSource(""),
		"app/objects/chat.ts":    objectSource(""),
	})
	e.initialize(resourceCaps())
	e.client.waitFor(t, "the initial scan", func() bool { return len(e.conn.s.snap.Load().apps) == 1 })
	e.openText("wrangler.toml", 1, unsavedWrangler)
	got := e.client.waitDiags(t, e.uri("wrangler.toml"), 1, hasCode("BINDING_MISSING"))
	lines := strings.Split(unsavedWrangler, "\n")
	for _, d := range got {
		line := lines[d.Range.Start.Line]
		if code := codesOf([]protocol.Diagnostic{d}); code == "BINDING_MISSING" && line != "[[durable_objects.bindings]]" ||
			code == "MIGRATION_MISSING" && line != "[[migrations]]" {
			t.Errorf("%s lands on buffer line %d %q", code, d.Range.Start.Line, line)
		}
	}

	// Quick fixes on the buffer: applied, they keep the unsaved lines and the TOML valid.
	acts, err := e.server.CodeAction(e.ctx, &protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: e.uri("wrangler.toml")},
		Range:        protocol.Range{End: protocol.Position{Line: uint32(len(lines))}},
		Context:      protocol.CodeActionContext{Diagnostics: got},
	})
	if err != nil {
		t.Fatal(err)
	}
	fixes := 0
	for _, ca := range acts {
		act := ca.(*protocol.CodeAction)
		if act.Edit == nil {
			continue
		}
		for _, dc := range act.Edit.DocumentChanges {
			te, ok := dc.(*protocol.TextDocumentEdit)
			if !ok || te.TextDocument.URI != e.uri("wrangler.toml") {
				continue
			}
			if te.TextDocument.Version == nil || *te.TextDocument.Version != 1 {
				t.Errorf("%s: edit not versioned against the buffer", act.Title)
			}
			var edits []protocol.TextEdit
			for _, el := range te.Edits {
				edits = append(edits, *el.(*protocol.TextEdit))
			}
			after := applyEdits(t, unsavedWrangler, edits)
			checkKeepsBuffer(t, act.Title, after)
			fixes++
		}
	}
	if fixes == 0 {
		t.Fatalf("no quick fix edits the wrangler buffer: %+v", acts)
	}

	// The generate action edits the buffer, keeping its unsaved lines.
	acts, err = e.server.CodeAction(e.ctx, &protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: e.uri("app/objects/chat.ts")},
		Context:      protocol.CodeActionContext{Only: []protocol.CodeActionKind{codeActionKindGenerate}},
	})
	if err != nil || len(acts) != 1 || acts[0].(*protocol.CodeAction).Edit == nil {
		t.Fatalf("generate action = %+v, %v", acts, err)
	}
	edited := false
	for _, dc := range acts[0].(*protocol.CodeAction).Edit.DocumentChanges {
		te, ok := dc.(*protocol.TextDocumentEdit)
		if !ok || te.TextDocument.URI != e.uri("wrangler.toml") {
			continue
		}
		var edits []protocol.TextEdit
		for _, el := range te.Edits {
			edits = append(edits, *el.(*protocol.TextEdit))
		}
		after := applyEdits(t, unsavedWrangler, edits)
		checkKeepsBuffer(t, "generate", after)
		if !strings.Contains(after, `class_name = "Chat"`) {
			t.Errorf("generate did not bind Chat:\n%s", after)
		}
		edited = true
	}
	if !edited {
		t.Fatal("the generate action does not edit wrangler.toml")
	}

	// The server-side command writes the disk: it refuses while the buffer is unsaved.
	arg, _ := json.Marshal(e.root)
	if _, err := e.server.ExecuteCommand(e.ctx, &protocol.ExecuteCommandParams{Command: "cloudwerk.generate", Arguments: []protocol.LSPAny{arg}}); err == nil || !strings.Contains(err.Error(), "unsaved") {
		t.Fatalf("generate command with an unsaved wrangler.toml: %v", err)
	}
}

// checkKeepsBuffer fails unless after still holds the unsaved lines and parses.
func checkKeepsBuffer(t *testing.T, title, after string) {
	t.Helper()
	for _, want := range []string{"# unsaved line 1\n# unsaved line 2\n", "[vars]\nUNSAVED = \"1\""} {
		if !strings.Contains(after, want) {
			t.Errorf("%s drops the unsaved %q:\n%s", title, want, after)
		}
	}
	if w := wrangler.Parse("wrangler.toml", []byte(after)); w.ParseError != nil {
		t.Errorf("%s leaves invalid TOML (%s):\n%s", title, w.ParseError.Message, after)
	}
}

// TestUnsavedCloudwerkConfigReshapesTheApp: an unsaved appDir in an open
// cloudwerk.config.ts is what discovery uses; closing the buffer goes back to
// the saved config.
func TestUnsavedCloudwerkConfigReshapesTheApp(t *testing.T) {
	e := newEnv(t, map[string]string{
		"cloudwerk.config.ts":      "export default {}\n",
		"app/objects/counter.ts":   objectSource(""),
		"src/objects/chat_room.ts": objectSource(""),
	})
	e.initialize(protocol.ClientCapabilities{})
	e.client.waitFor(t, "the initial scan", func() bool { return len(e.conn.s.snap.Load().apps) == 1 })
	e.openText("cloudwerk.config.ts", 1, "export default { appDir: 'src' }\n")
	e.client.waitDiags(t, e.uri("src/objects/chat_room.ts"), -1, hasCode("INVALID_NAME"))
	if err := e.server.DidClose(e.ctx, &protocol.DidCloseTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: e.uri("cloudwerk.config.ts")}}); err != nil {
		t.Fatal(err)
	}
	e.client.waitDiags(t, e.uri("src/objects/chat_room.ts"), -1, func(ds []protocol.Diagnostic) bool { return ds != nil && len(ds) == 0 })
}
