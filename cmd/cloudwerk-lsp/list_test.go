package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cloudwerk/cloudwerk-lsp/internal/testutil"
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
` + testutil.CounterWrangler

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

const listBadApp = `
-- app/objects/counter.ts --
import { defineDurableObject } from '@cloudwerk/durable-object'
export default defineDurableObject({ sqlite: true, init() { return 0 }, methods: { inc() { return 1 } } })
-- app/objects/counter.tsx --
import { defineDurableObject } from '@cloudwerk/durable-object'
export default defineDurableObject({ sqlite: true, init() { return 0 }, methods: { inc() { return 1 } } })
-- app/objects/broken.ts --
import { defineDurableObject } from '@cloudwerk/durable-object'
export default defineDurableObject({ sqlite: true, init() { return {} } })
-- app/objects/room.ts --
import { defineDurableObject } from '@cloudwerk/durable-object'
export default defineDurableObject({
  sqlite: false,
  init() { return {} },
  fetch(request) { return new Response('') },
  alarm() {},
  webSocketClose(ws) {},
  methods: { post(text: string) {}, history() { return [] } },
})
`

// list marks invalid and duplicate rows, --json carries the findings, and
// --format cloudwerk prints Cloudwerk's manifest shape from the real files.
func TestListMarksInvalidAndDuplicate(t *testing.T) {
	t.Setenv("CLOUDWERK_LSP_CACHE", "off")
	dir := makeApp(t, listBadApp)
	code, out, _ := capture(t, "list", dir)
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"invalid (NO_HANDLER)", "duplicate (DUPLICATE_NAME)", "4 durable objects, 3 invalid or duplicate"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, " ok "); n != 1 {
		t.Errorf("%d ok rows, want 1:\n%s", n, out)
	}

	_, out, _ = capture(t, "list", "--json", dir)
	var got struct {
		Apps []struct {
			Objects []objectSummary `json:"objects"`
		} `json:"apps"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got.Apps) != 1 {
		t.Fatalf("json: %v\n%s", err, out)
	}
	status := map[string]string{}
	for _, o := range got.Apps[0].Objects {
		status[o.File[strings.LastIndex(o.File, "/")+1:]] = o.Status
		if o.Status != "ok" && len(o.Findings) == 0 {
			t.Errorf("%s is %s without findings", o.File, o.Status)
		}
	}
	if status["broken.ts"] != "invalid" || status["counter.ts"] != "duplicate" || status["counter.tsx"] != "duplicate" || status["room.ts"] != "ok" {
		t.Errorf("status = %v", status)
	}

	code, out, _ = capture(t, "list", "--format", "cloudwerk", dir)
	var m map[string]json.RawMessage
	if code != exitOK || json.Unmarshal([]byte(out), &m) != nil {
		t.Fatalf("cloudwerk format (exit %d):\n%s", code, out)
	}
	for _, k := range []string{"durableObjects", "errors", "warnings", "generatedAt", "rootDir"} {
		if _, ok := m[k]; !ok {
			t.Errorf("manifest lacks %q", k)
		}
	}
	var objs []map[string]any
	json.Unmarshal(m["durableObjects"], &objs)
	if len(objs) != 1 {
		t.Fatalf("durableObjects = %s", m["durableObjects"])
	}
	room := objs[0]
	want := map[string]any{"name": "room", "bindingName": "ROOM", "className": "Room", "filePath": "room.ts", "sqlite": false,
		"hasFetch": true, "hasAlarm": true, "hasWebSocket": true, "methodNames": []any{"post", "history"}}
	for k, v := range want {
		if g, _ := json.Marshal(room[k]); string(g) != mustJSON(v) {
			t.Errorf("room.%s = %s, want %s", k, g, mustJSON(v))
		}
	}
	var errs []struct{ File, Message, Code string }
	json.Unmarshal(m["errors"], &errs)
	codes := map[string]string{}
	for _, e := range errs {
		codes[e.File] = e.Code
	}
	if codes["broken.ts"] != "NO_HANDLER" || codes["counter.ts"] != "DUPLICATE_NAME" || codes["counter.tsx"] != "DUPLICATE_NAME" {
		t.Errorf("errors = %+v", errs)
	}
	if code, _, _ := capture(t, "list", "--format", "yaml", dir); code != exitUsage {
		t.Errorf("--format yaml: exit %d", code)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
