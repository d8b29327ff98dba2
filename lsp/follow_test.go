package lsp

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// TestWholeAppFindingsFollowTheText opens an object with whole-app findings
// (BINDING_MISSING, MIGRATION_MISSING, KV_STORAGE on its definition), inserts
// two lines at the top without saving, and checks that every finding published
// with the new version, related locations in the file included, moved down by
// exactly two lines.
func TestWholeAppFindingsFollowTheText(t *testing.T) {
	for _, eol := range []string{"\n", "\r\n", "\r"} {
		t.Run(fmt.Sprintf("%q", eol), func(t *testing.T) {
			src := strings.ReplaceAll(strings.Replace(objectSource(""), "  sqlite: true,\n", "", 1), "\n", eol)
			e := newEnv(t, map[string]string{
				"cloudwerk.config.ts":    "export default {}\n",
				"wrangler.toml":          "name = \"app\"\nmain = \"worker.ts\"\ncompatibility_date = \"2025-06-01\"\n",
				"app/objects/counter.ts": src,
			})
			e.initialize(protocol.ClientCapabilities{})
			u := e.uri("app/objects/counter.ts")
			text := e.open("app/objects/counter.ts", 1)
			before := e.client.waitDiags(t, u, 1, hasCode("MIGRATION_MISSING"))
			for _, code := range []string{"BINDING_MISSING", "KV_STORAGE"} {
				if !hasCode(code)(before) {
					t.Fatalf("fixture lacks %s: %s", code, codesOf(before))
				}
			}
			e.edit("app/objects/counter.ts", 2, &text, "import {", "// one"+eol+"// two"+eol+"import {")
			after := e.client.waitDiags(t, u, 2, nil)
			if got, want := describe(after, u, 0), describe(before, u, 2); got != want {
				t.Errorf("findings at version 2 did not follow the two inserted lines\n--- got\n%s--- want (version 1 moved down two lines)\n%s", got, want)
			}
		})
	}
}

// describe prints each finding's code, message and ranges, lines shifted by
// shift for ranges in file u (so findings before an edit can be compared with
// findings after it).
func describe(ds []protocol.Diagnostic, u uri.URI, shift uint32) string {
	rng := func(r protocol.Range) string {
		return fmt.Sprintf("%d:%d-%d:%d", r.Start.Line+shift, r.Start.Character, r.End.Line+shift, r.End.Character)
	}
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "%v %s %q\n", d.Code, rng(d.Range), d.Message)
		for _, r := range d.RelatedInformation {
			at := fmt.Sprintf("%d:%d-%d:%d", r.Location.Range.Start.Line, r.Location.Range.Start.Character, r.Location.Range.End.Line, r.Location.Range.End.Character)
			if r.Location.URI == u {
				at = rng(r.Location.Range)
			}
			fmt.Fprintf(&b, "  related %s %s %q\n", r.Location.URI, at, r.Message)
		}
	}
	return b.String()
}

// TestOpeningKeepsWholeAppFindings opens, unchanged, an object file whose
// whole-app findings were found while it was closed: every publish for the open
// version must still carry them (they are placed on the same text).
func TestOpeningKeepsWholeAppFindings(t *testing.T) {
	src := strings.Replace(objectSource(""), "  sqlite: true,\n", "", 1)
	e := newEnv(t, map[string]string{
		"cloudwerk.config.ts":    "export default {}\n",
		"wrangler.toml":          "name = \"app\"\nmain = \"worker.ts\"\ncompatibility_date = \"2025-06-01\"\n",
		"app/objects/counter.ts": src,
	})
	u := e.uri("app/objects/counter.ts")
	var mu sync.Mutex
	var versioned [][]protocol.Diagnostic
	e.client.onPublish = func(p *protocol.PublishDiagnosticsParams) {
		if _, ok := p.Version.Get(); ok && p.URI == u {
			mu.Lock()
			versioned = append(versioned, p.Diagnostics)
			mu.Unlock()
		}
	}
	e.initialize(protocol.ClientCapabilities{})
	closed := e.client.waitDiags(t, u, -1, hasCode("MIGRATION_MISSING"))
	e.open("app/objects/counter.ts", 1)
	opened := e.client.waitDiags(t, u, 1, hasCode("MIGRATION_MISSING"))
	if got, want := describe(opened, u, 0), describe(closed, u, 0); got != want {
		t.Errorf("findings changed on opening the unchanged file\n--- open\n%s--- closed\n%s", got, want)
	}
	mu.Lock()
	defer mu.Unlock()
	for i, ds := range versioned {
		if !hasCode("MIGRATION_MISSING")(ds) {
			t.Errorf("publish %d for the open file lacks the whole-app findings: %s", i, codesOf(ds))
		}
	}
}
