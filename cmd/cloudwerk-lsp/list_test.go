package main

import (
	"encoding/json"
	"strings"
	"testing"
)

const listApp = `
-- app/objects/counter.ts --
import { defineDurableObject } from '@cloudwerk/durable-object'
export default defineDurableObject<CounterState>({
  sqlite: true,
  init() { return { n: 0 } },
  methods: {
    async increment(by: number = 1): Promise<number> { return 1 },
    reset: async function (key?: string, ...rest: string[]) {},
  },
})
-- app/objects/chat-room.ts --
import { defineDurableObject } from '@cloudwerk/durable-object'
export default defineDurableObject({
  fetch(request) { return new Response('') },
  webSocketMessage(ws, m) {},
})
-- wrangler.toml --
name = "w"
main = "worker.ts"
compatibility_date = "2025-06-01"

[[durable_objects.bindings]]
name = "COUNTER"
class_name = "Counter"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["Counter"]
`

func TestList(t *testing.T) {
	t.Setenv("CLOUDWERK_LSP_CACHE", "off")
	dir := makeApp(t, listApp)
	code, out, errOut := capture(t, "list", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[0], "NAME") || !strings.HasSuffix(lines[4], "2 durable objects") {
		t.Fatalf("table:\n%s", out)
	}
	for _, want := range []string{"chatRoom", "ChatRoom", "CHAT_ROOM", "KV", "fetch, webSocketMessage"} {
		if !strings.Contains(lines[1], want) {
			t.Errorf("row %q lacks %q", lines[1], want)
		}
	}
	for _, want := range []string{"counter", "Counter", "COUNTER", "SQLite", " 2 "} {
		if !strings.Contains(lines[2], want) {
			t.Errorf("row %q lacks %q", lines[2], want)
		}
	}

	code, out, _ = capture(t, "list", dir, "--json")
	var got struct {
		Apps []struct {
			Objects []objectSummary `json:"objects"`
		} `json:"apps"`
	}
	if code != exitOK || json.Unmarshal([]byte(out), &got) != nil || len(got.Apps) != 1 || len(got.Apps[0].Objects) != 2 {
		t.Fatalf("json (exit %d): %s", code, out)
	}
	if o := got.Apps[0].Objects[1]; o.Name != "counter" || o.Storage != "sqlite" || len(o.Methods) != 2 || len(o.Handlers) != 0 {
		t.Errorf("counter: %+v", o)
	}
	if code, _, _ := capture(t, "list", dir, "extra"); code != exitUsage {
		t.Errorf("two dirs: exit %d", code)
	}
}

func TestInfo(t *testing.T) {
	t.Setenv("CLOUDWERK_LSP_CACHE", "off")
	dir := makeApp(t, listApp)
	for _, name := range []string{"counter", "Counter", "COUNTER", "counter.ts"} {
		code, out, errOut := capture(t, "info", name, dir)
		if code != exitOK {
			t.Fatalf("info %s: exit %d: %s", name, code, errOut)
		}
		for _, want := range []string{
			"Binding:   COUNTER (declared in wrangler config)", "Storage:   SQLite", "State:     CounterState",
			"Migration: created by migration v1 (SQLite)",
			// The one signature hover, completion and the stubs show.
			"increment(by?: number): Promise<number>", "reset(key?: string, ...rest: string[]): Promise<unknown>",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("info %s lacks %q:\n%s", name, want, out)
			}
		}
	}
	code, out, _ := capture(t, "info", "--json", "chatRoom", dir)
	var s objectSummary
	if code != exitOK || json.Unmarshal([]byte(out), &s) != nil {
		t.Fatalf("json (exit %d): %s", code, out)
	}
	if s.Migration == nil || s.Migration.Status != "not-migrated" || s.BindingDeclared == nil || *s.BindingDeclared || s.Storage != "kv" {
		t.Errorf("chatRoom: %+v %+v", s, s.Migration)
	}
	if code, _, errOut := capture(t, "info", "nope", dir); code != exitFindings || !strings.Contains(errOut, "available: chatRoom, counter") {
		t.Errorf("unknown name: exit %d, %q", code, errOut)
	}
	if code, _, _ := capture(t, "info"); code != exitUsage {
		t.Errorf("no name: exit %d", code)
	}
}
