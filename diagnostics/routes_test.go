package diagnostics

import (
	"strings"
	"testing"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/wrangler"
)

const routeSrc = `import { durableObjects, getDurableObject } from '@cloudwerk/core/bindings'
export async function GET() {
  const a = durableObjects.Cuonter
  const b = getDurableObject('Counter')
  const c = getDurableObject('counter')
  const stub = durableObjects.Counter.get(id)
  await stub.incremnt(1)
  await stub.increment(1)
  await stub.fetch(req)
  const x = durableObjects.External
  const y = durableObjects.Zzzzzz
}
`

func routeApp(t *testing.T) (*analysis.App, srcDoc, *analysis.RouteFile) {
	counter := counterFile(t, objDir+"counter.ts").entry()
	app := appOf(counter)
	app.Wrangler = &wrangler.Config{Bindings: []wrangler.DOBinding{{Name: "EXTERNAL", ClassName: "External", ScriptName: "other-worker"}}}
	s := srcDoc{t, routeSrc}
	rf := &analysis.RouteFile{Path: "/proj/app/routes/route.ts", Refs: []analysis.RouteRef{
		{Kind: analysis.RefObjectProperty, Object: "Cuonter", At: s.at("Cuonter", 0)},
		{Kind: analysis.RefGetCall, Object: "Counter", At: s.at("Counter", s.at("getDurableObject('", 100).End.Offset)},
		{Kind: analysis.RefGetCall, Object: "counter", At: s.at("counter", s.at("const c", 0).End.Offset)},
		{Kind: analysis.RefObjectProperty, Object: "Counter", At: s.at("Counter", s.at("const stub", 0).End.Offset)},
		{Kind: analysis.RefStubMethod, Object: "Counter", Method: "incremnt", At: s.at("incremnt", 0)},
		{Kind: analysis.RefStubMethod, Object: "Counter", Method: "increment", At: s.at("increment", s.at("stub.incremnt", 0).End.Offset)},
		{Kind: analysis.RefStubMethod, Object: "Counter", Method: "fetch", At: s.at("fetch", s.at("stub.fetch", 0).Start.Offset)},
		{Kind: analysis.RefObjectProperty, Object: "External", At: s.at("External", 0)},
		{Kind: analysis.RefObjectProperty, Object: "Zzzzzz", At: s.at("Zzzzzz", 0)},
	}}
	return app, s, rf
}

func TestRouteFindings(t *testing.T) {
	app, s, rf := routeApp(t)
	got := RouteFindings(app, rf)
	type want struct {
		code      Code
		rangeText string
		message   string
		fix       string
	}
	wants := []want{
		{UnknownObject, "Cuonter", `unknown durable object "Cuonter"`, "Counter"},
		{UnknownMethod, "incremnt", `has no method "incremnt"; did you mean "increment"?`, "increment"},
		{UnknownObject, "Zzzzzz", "no file in app/objects/ gives binding ZZZZZZ", ""},
	}
	if len(got) != len(wants) {
		t.Fatalf("got %d findings, want %d: %+v", len(got), len(wants), got)
	}
	for i, w := range wants {
		d := got[i]
		if d.Code != w.code || d.Severity != Error {
			t.Errorf("#%d: %s %v, want %s error", i, d.Code, d.Severity, w.code)
		}
		if txt := s.textOf(d.Range); txt != w.rangeText {
			t.Errorf("#%d: range text %q, want %q", i, txt, w.rangeText)
		}
		if !strings.Contains(d.Message, w.message) {
			t.Errorf("#%d: message %q lacks %q", i, d.Message, w.message)
		}
		if w.fix == "" {
			if len(d.Fixes) != 0 {
				t.Errorf("#%d: unexpected fixes %+v", i, d.Fixes)
			}
		} else if len(d.Fixes) != 1 || d.Fixes[0].Edits[0].NewText != w.fix || !d.Fixes[0].Preferred {
			t.Errorf("#%d: fixes %+v, want a preferred edit to %q", i, d.Fixes, w.fix)
		}
	}
}

// TestUnknownMethodNeedsKnownMethods: an object whose methods are not fully
// known (a spread) never gets UNKNOWN_METHOD.
func TestUnknownMethodNeedsKnownMethods(t *testing.T) {
	o := newObj(t, objDir+"counter.ts", "export default defineDurableObject({\n  init() { return {} },\n  methods: { ...shared, a() {} },\n})\n")
	o.field("init", "init() { return {} }", analysis.KindFunction)
	o.objectField("methods")
	o.unknown("...shared", "spread in methods")
	o.method("a", "a() {}", analysis.KindFunction, analysis.FormMethod)
	app := appOf(o.entry())
	rf := &analysis.RouteFile{Path: "/proj/app/routes/r.ts", Refs: []analysis.RouteRef{{Kind: analysis.RefStubMethod, Object: "counter", Method: "whatever"}}}
	if got := RouteFindings(app, rf); len(got) != 0 {
		t.Fatalf("want none, got %+v", got)
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"Cuonter", "Counter", 1}, {"incremnt", "increment", 1}, {"", "abc", 3}, {"same", "same", 0}, {"kitten", "sitting", 3},
	}
	for _, tc := range tests {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestUnknownMethodWithDuplicates: with two files for one object, a method is
// unknown only when neither defines it.
func TestUnknownMethodWithDuplicates(t *testing.T) {
	a := counterFile(t, objDir+"counter.ts").entry()
	b := counterFile(t, objDir+"counter.tsx").entry()
	app := appOf(a, b)
	rf := &analysis.RouteFile{Path: "/proj/app/routes/r.ts", Refs: []analysis.RouteRef{
		{Kind: analysis.RefStubMethod, Object: "Counter", Method: "incremnt"},
		{Kind: analysis.RefStubMethod, Object: "Counter", Method: "increment"},
	}}
	got := RouteFindings(app, rf)
	if len(got) != 1 || got[0].Code != UnknownMethod || !strings.Contains(got[0].Message, `"incremnt"`) {
		t.Fatalf("want one UNKNOWN_METHOD for incremnt, got %+v", got)
	}
}
