package diagnostics

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/textpos"
)

// The run-time rules are tested on real extraction: each case is a small app;
// ⟦ and ⟧ mark, in one file, the range the finding must have (the markers are
// removed before the files are written).
const (
	markOpen  = "⟦"
	markClose = "⟧"
)

// counterObject is a correct object the route cases call.
const counterObject = `import { defineDurableObject } from '@cloudwerk/durable-object'
export default defineDurableObject<{ n: number }>({
  sqlite: true,
  init: () => ({ n: 0 }),
  methods: {
    async increment(amount: number = 1) { this.state.n += amount; return this.state.n },
    async add(a: number, b: number) { return a + b },
    async sum(...xs: number[]) { return xs.length },
    async bump(ctx, by: number) { await ctx.storage.put('by', by); return by },
  },
})
`

// loadMarked writes files (path -> text, one text with a marked range) into a
// temp app and returns the loaded app, the marked file's path and range.
func loadMarked(t *testing.T, files map[string]string) (*analysis.App, string, analysis.Range, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	var markedPath string
	var marked analysis.Range
	texts := map[string]string{}
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if i := strings.Index(text, markOpen); i >= 0 {
			text = strings.Replace(text, markOpen, "", 1)
			j := strings.Index(text, markClose)
			text = strings.Replace(text, markClose, "", 1)
			idx := textpos.NewLineIndex(text)
			markedPath, marked = p, idx.Range(i, j)
		}
		texts[p] = text
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	app, err := analysis.LoadApp(dir)
	if err != nil {
		t.Fatal(err)
	}
	return app, markedPath, marked, texts
}

// applyFix applies a fix's edits (end to start) to the texts it touches.
func applyFix(texts map[string]string, f Fix) map[string]string {
	out := map[string]string{}
	edits := append([]TextEdit(nil), f.Edits...)
	sort.Slice(edits, func(i, j int) bool { return edits[i].Range.Start.Offset > edits[j].Range.Start.Offset })
	for _, e := range edits {
		text, ok := out[e.Path]
		if !ok {
			text = texts[e.Path]
		}
		out[e.Path] = text[:e.Range.Start.Offset] + e.NewText + text[e.Range.End.Offset:]
	}
	return out
}

func TestRuntimeRulesTrigger(t *testing.T) {
	const imp = "import { defineDurableObject } from '@cloudwerk/durable-object'\n"
	tests := []struct {
		name    string
		files   map[string]string
		code    Code
		message string
		fixed   string // a fragment the preferred fix's result contains ("" when no fix)
	}{
		{name: "define not imported", code: DefineNotImported, message: "ReferenceError: defineDurableObject is not defined",
			fixed: imp + "export default defineDurableObject",
			files: map[string]string{"app/objects/counter.ts": "export default ⟦defineDurableObject⟧({ methods: { ping() {} } })\n"}},
		{name: "define imported from another module", code: DefineNotImported, message: "imported from '@cloudwerk/core'",
			fixed: "from '@cloudwerk/durable-object'",
			files: map[string]string{"app/objects/counter.ts": "import { defineDurableObject } from '@cloudwerk/core'\nexport default ⟦defineDurableObject⟧({ methods: { ping() {} } })\n"}},
		{name: "sql.run", code: SQLAPI, message: "TypeError: sql.run is not a function", fixed: "ctx.sql.exec('CREATE",
			files: map[string]string{"app/objects/counter.ts": imp + "export default defineDurableObject({\n  sqlite: true,\n  init(ctx) { ctx.sql.⟦run⟧('CREATE TABLE t (x)'); return {} },\n  methods: { a() {} },\n})\n"}},
		{name: "prepare through a destructured alias", code: SQLAPI, message: "no prepare()",
			files: map[string]string{"app/objects/counter.ts": imp + "export default defineDurableObject({\n  sqlite: true,\n  methods: { a() { const { sql } = this.ctx; return sql.⟦prepare⟧('SELECT 1') } },\n})\n"}},
		{name: "array as one binding", code: SQLAPI, message: "Wrong number of parameter bindings", fixed: "exec('INSERT INTO t VALUES (?, ?)', ...[a, b])",
			files: map[string]string{"app/objects/counter.ts": imp + "export default defineDurableObject({\n  sqlite: true,\n  methods: { a(a: number, b: number) { this.ctx.sql.exec('INSERT INTO t VALUES (?, ?)', ⟦[a, b]⟧) } },\n})\n"}},
		{name: "sql without sqlite", code: SQLWithoutSqlite, message: "SQL is not enabled for this Durable Object class", fixed: "{\n  sqlite: true,\n  methods",
			files: map[string]string{"app/objects/counter.ts": imp + "export default defineDurableObject({\n  methods: { a() { return this.ctx.⟦sql⟧.exec('SELECT 1').toArray() } },\n})\n"}},
		{name: "sql with sqlite false", code: SQLWithoutSqlite, message: "add sqlite: true", fixed: "sqlite: true,",
			files: map[string]string{"app/objects/counter.ts": imp + "export default defineDurableObject({\n  sqlite: false,\n  methods: { a() { const db = this.ctx.storage.⟦sql⟧; return db.exec('SELECT 1') } },\n})\n"}},
		{name: "sql in a class created KV-backed", code: SQLWithoutSqlite, message: "storage cannot change in place",
			files: map[string]string{
				"app/objects/counter.ts": imp + "export default defineDurableObject({\n  methods: { a() { return this.ctx.⟦sql⟧.databaseSize } },\n})\n",
				"wrangler.toml":          "name = \"x\"\n\n[[durable_objects.bindings]]\nname = \"COUNTER\"\nclass_name = \"Counter\"\n\n[[migrations]]\ntag = \"v1\"\nnew_classes = [\"Counter\"]\n",
			}},
		{name: "this.broadcast", code: UnknownContextMember, message: "TypeError: this.broadcast is not a function",
			files: map[string]string{"app/objects/counter.ts": imp + "export default defineDurableObject({\n  methods: { a() { this.⟦broadcast⟧('x') } },\n})\n"}},
		{name: "one method calling another", code: UnknownContextMember, message: "one method cannot call another",
			files: map[string]string{"app/objects/counter.ts": imp + "export default defineDurableObject({\n  methods: {\n    touch() {},\n    a() { this.⟦touch⟧() },\n  },\n})\n"}},
		{name: "ctx.setAlarm in init", code: UnknownContextMember, message: "it is ctx.storage.setAlarm", fixed: "ctx.storage.setAlarm(1)",
			files: map[string]string{"app/objects/counter.ts": imp + "export default defineDurableObject({\n  init(ctx) { ctx.⟦setAlarm⟧(1); return {} },\n  alarm() {},\n})\n"}},
		{name: "this.ctx member through an alias", code: UnknownContextMember, message: "ctx.waitUntil",
			files: map[string]string{"app/objects/counter.ts": imp + "export default defineDurableObject({\n  fetch() { const c = this.ctx; c.⟦waitUntil⟧(Promise.resolve()); return new Response() },\n})\n"}},
		{name: "method taking ctx", code: HandlerParams, message: "the caller's first argument",
			files: map[string]string{"app/objects/counter.ts": imp + "export default defineDurableObject({\n  methods: { increment(⟦ctx⟧, amount: number) { ctx.state.count += amount } },\n})\n"}},
		{name: "fetch taking ctx", code: HandlerParams, message: "passes env there",
			files: map[string]string{"app/objects/counter.ts": imp + "export default defineDurableObject({\n  fetch(request, ⟦ctx⟧) { ctx.acceptWebSocket(request); return new Response() },\n})\n"}},
		{name: "alarm taking ctx", code: HandlerParams, message: "passes nothing (undefined)",
			files: map[string]string{"app/objects/counter.ts": imp + "export default defineDurableObject({\n  async alarm(⟦ctx⟧) { await ctx.storage.deleteAll() },\n})\n"}},
		{name: "getById", code: UnknownNamespaceMember, message: "TypeError: durableObjects.Counter.getById is not a function",
			files: map[string]string{"app/objects/counter.ts": counterObject,
				"app/routes/route.ts": "import { durableObjects } from '@cloudwerk/core/bindings'\nexport const GET = () => durableObjects.Counter.⟦getById⟧('x')\n"}},
		{name: "namespace member typo", code: UnknownNamespaceMember, message: `did you mean "idFromName"`, fixed: "ns.idFromName('a')",
			files: map[string]string{"app/objects/counter.ts": counterObject,
				"app/routes/route.ts": "import { getDurableObject } from '@cloudwerk/core/bindings'\nexport function GET() {\n  const ns = getDurableObject('counter')\n  return ns.get(ns.⟦idFromNam⟧('a'))\n}\n"}},
		{name: "get with a name", code: StubID, message: "parameter 1 is not of type 'DurableObjectId'", fixed: "durableObjects.Counter.getByName('user-123')",
			files: map[string]string{"app/objects/counter.ts": counterObject,
				"app/routes/route.ts": "import { durableObjects } from '@cloudwerk/core/bindings'\nexport const GET = () => durableObjects.Counter.get(⟦'user-123'⟧).increment()\n"}},
		{name: "get with a template", code: StubID, message: "getByName",
			files: map[string]string{"app/objects/counter.ts": counterObject,
				"app/routes/route.ts": "import { durableObjects } from '@cloudwerk/core/bindings'\nexport const GET = (id: string) => durableObjects.Counter.get(⟦`user-${id}`⟧)\n"}},
		{name: "too many arguments", code: RPCArgs, message: "takes at most 1 argument, but is called with 2",
			files: map[string]string{"app/objects/counter.ts": counterObject,
				"app/routes/route.ts": "import { durableObjects } from '@cloudwerk/core/bindings'\nexport async function GET() {\n  const c = durableObjects.Counter.getByName('a')\n  return c.⟦increment⟧(1, 2)\n}\n"}},
		{name: "too few arguments", code: RPCArgs, message: "takes 2 arguments, but is called with 1",
			files: map[string]string{"app/objects/counter.ts": counterObject,
				"app/routes/route.ts": "import { durableObjects } from '@cloudwerk/core/bindings'\nexport const GET = (id: DurableObjectId) => durableObjects.Counter.get(id).⟦add⟧(1)\n"}},
		{name: "a context parameter does not count", code: RPCArgs, message: "takes 1 argument, but is called with 2",
			files: map[string]string{"app/objects/counter.ts": counterObject,
				"app/routes/route.ts": "import { durableObjects } from '@cloudwerk/core/bindings'\nexport const GET = (id: DurableObjectId) => durableObjects.Counter.get(id).⟦bump⟧(1, 2)\n"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			app, path, want, texts := loadMarked(t, tc.files)
			var found []Diagnostic
			for _, d := range Analyze(app, Options{Severity: othersOff}) {
				if d.Code == tc.code {
					found = append(found, d)
				}
			}
			if len(found) != 1 {
				t.Fatalf("want one %s, got %+v", tc.code, found)
			}
			d := found[0]
			if d.Path != path || d.Range != want {
				t.Errorf("range = %s %+v, want %s %+v", d.Path, d.Range, path, want)
			}
			if d.Severity != Error || RuleFor(tc.code).Severity != Error || RuleFor(tc.code).Scope != PerFile {
				t.Errorf("severity %v, catalog %+v", d.Severity, RuleFor(tc.code))
			}
			if !strings.Contains(d.Message, tc.message) {
				t.Errorf("message %q does not mention %q", d.Message, tc.message)
			}
			if tc.fixed == "" {
				return
			}
			if len(d.Fixes) == 0 || !d.Fixes[0].Preferred {
				t.Fatalf("no preferred fix: %+v", d.Fixes)
			}
			after := applyFix(texts, d.Fixes[0])
			ok := false
			for _, text := range after {
				ok = ok || strings.Contains(text, tc.fixed)
			}
			if !ok {
				t.Errorf("fix %q gives %v, want it to contain %q", d.Fixes[0].Title, after, tc.fixed)
			}
		})
	}
}

// TestRuntimeRulesAbsent: the near miss of each trigger is correct code and gets
// none of the run-time codes.
func TestRuntimeRulesAbsent(t *testing.T) {
	const imp = "import { defineDurableObject } from '@cloudwerk/durable-object'\n"
	tests := map[string]map[string]string{
		"aliased import":                                     {"app/objects/counter.ts": "import { defineDurableObject as define } from '@cloudwerk/durable-object'\nexport default define({ methods: { ping() {} } })\n"},
		"namespace import":                                   {"app/objects/counter.ts": "import * as DO from '@cloudwerk/durable-object'\nexport default DO.defineDurableObject({ methods: { ping() {} } })\n"},
		"SqlStorage members through aliases":                 {"app/objects/counter.ts": imp + "export default defineDurableObject({\n  sqlite: true,\n  init(ctx) { const { sql } = ctx; sql.exec('CREATE TABLE IF NOT EXISTS t (x)'); return {} },\n  methods: {\n    a(x: number) { const db = this.ctx.storage.sql; db.exec('INSERT INTO t VALUES (?)', x) },\n    b(xs: number[]) { this.ctx.sql.exec('INSERT INTO t VALUES (?, ?)', ...xs); return this.ctx.sql.databaseSize },\n  },\n})\n"},
		"context members":                                    {"app/objects/counter.ts": imp + "export default defineDurableObject<{ n: number }, { DB: D1Database }>({\n  sqlite: true,\n  init(ctx, env) { return { n: ctx.id ? 0 : 1 } },\n  async fetch(request, env) {\n    const { state, ctx } = this\n    ctx.acceptWebSocket(new WebSocketPair()[1])\n    await this.ctx.storage.setAlarm(Date.now())\n    return new Response(String(state.n) + this.ctx.env.DB + this.ctx.getWebSockets().length)\n  },\n  webSocketMessage(ws, message) { this.ctx.getTags(ws) },\n  alarm() { this.state.n++ },\n})\n"},
		"parameters that are not the context":                {"app/objects/counter.ts": imp + "export default defineDurableObject({\n  sqlite: true,\n  init: () => ({}),\n  methods: {\n    addUser(user: { id: string; state: string }) { return user.id + user.state },\n  },\n  fetch(request, env) { return new Response(request.url + env.NAME) },\n  webSocketClose(ws, code, reason) { ws.close(code, reason) },\n  webSocketMessage(ws, message) { ws.send(message) },\n})\n"},
		"arrow methods have no handler context":              {"app/objects/counter.ts": imp + "export default defineDurableObject({\n  methods: { a: () => 1 },\n})\n"},
		"an arrow handler's this is not the handler context": {"app/objects/counter.ts": imp + "export default defineDurableObject({\n  fetch: async () => new Response(String(this?.x)),\n})\n"},
		"route calls that work": {"app/objects/counter.ts": counterObject,
			"app/routes/route.ts": "import { durableObjects, getDurableObject } from '@cloudwerk/core/bindings'\nexport async function GET(id: string) {\n  const ns = durableObjects.Counter\n  const a = ns.get(ns.idFromName(id))\n  const b = ns.getByName(id)\n  const c = getDurableObject('counter').get(ns.idFromString(id))\n  const d = ns.get(ns.newUniqueId({ jurisdiction: 'eu' }))\n  await a.increment()\n  await a.increment(2)\n  await b.add(1, 2)\n  await c.sum()\n  await c.sum(1, 2, 3)\n  await d.bump(1)\n  await d.add(...[1, 2])\n  return ns.jurisdiction('eu')\n}\n"},
	}
	runtimeCodes := []Code{DefineNotImported, SQLAPI, SQLWithoutSqlite, UnknownContextMember, HandlerParams, UnknownNamespaceMember, StubID, RPCArgs, NoInit, NoMethods, SqliteWithoutInit}
	for name, files := range tests {
		t.Run(name, func(t *testing.T) {
			app, _, _, texts := loadMarked(t, files)
			for _, d := range Analyze(app, Options{Severity: othersOff}) {
				if texts[d.Path] == counterObject {
					continue // the callee object (its bump(ctx, by) is a trigger case of its own)
				}
				for _, c := range runtimeCodes {
					if d.Code == c {
						t.Errorf("unexpected %s at %+v: %s", d.Code, d.Range.Start, d.Message)
					}
				}
			}
		})
	}
}

// A definition finding no longer hides what extraction still finds: a wrong
// import source is DEFINE_NOT_IMPORTED next to the object's other errors (it
// used to be a lone INVALID_DEFINITION), and a call without a config is
// INVALID_DEFINITION next to the missing import.
func TestDefinitionFindingsHideNothing(t *testing.T) {
	tests := map[string]struct {
		src  string
		want []Code
	}{
		"wrong module and a reserved method": {
			src:  "import { defineDurableObject } from 'some-other-lib'\nexport default defineDurableObject({\n  methods: { init() {}, ping() { this.touch() } },\n})\n",
			want: []Code{DefineNotImported, InvalidConfig, UnknownContextMember},
		},
		"no import and no config": {
			src:  "export default defineDurableObject()\n",
			want: []Code{DefineNotImported, InvalidDefinition},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			app, _, _, _ := loadMarked(t, map[string]string{"app/objects/counter.ts": tc.src})
			var got []Code
			for _, d := range Analyze(app, Options{Severity: othersOff}) {
				got = append(got, d.Code)
			}
			if strings.Join(codeStrings(got), ",") != strings.Join(codeStrings(tc.want), ",") {
				t.Errorf("codes = %v, want %v", got, tc.want)
			}
		})
	}
}

func codeStrings(codes []Code) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = string(c)
	}
	sort.Strings(out)
	return out
}
