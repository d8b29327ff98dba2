package diagnostics

import (
	"strings"
	"testing"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

func TestAppFindings(t *testing.T) {
	cfg := srcDoc{t, "export default defineConfig({ appDir: dir })\n"}
	app := appOf(counterFile(t, objDir+"counter.ts").entry())
	app.Nested = []string{"/proj/app/objects/admin/audit-log.ts"}
	app.FileErrors = []analysis.FileError{{Path: "/proj/app/objects/broken.ts", Err: "permission denied"}}
	app.Config.File = "/proj/cloudwerk.config.ts"
	app.Config.Issues = []analysis.ConfigIssue{{At: cfg.at("dir", 35), Message: "appDir is not a string literal; using the default 'app'"}}

	got := AppFindings(app)
	nested := only(t, got, NestedFile)
	if nested.Severity != Warning || nested.Path != app.Nested[0] || !strings.Contains(nested.Message, "objects/admin/audit-log.ts is in a subfolder") {
		t.Errorf("nested: %+v", nested)
	}
	if len(nested.Fixes) != 1 || nested.Fixes[0].Renames[0].To != "/proj/app/objects/audit-log.ts" {
		t.Errorf("nested fix: %+v", nested.Fixes)
	}
	unreadable := only(t, got, FileUnreadable)
	if unreadable.Severity != Error || !strings.Contains(unreadable.Message, "permission denied") {
		t.Errorf("unreadable: %+v", unreadable)
	}
	conf := only(t, got, CloudwerkConfig)
	if conf.Severity != Warning || cfg.textOf(conf.Range) != "dir" || conf.Path != app.Config.File || !strings.Contains(conf.Message, "appDir") {
		t.Errorf("config: %+v", conf)
	}

	// a nested file whose name is taken at the top gets no move fix
	app.Nested = []string{"/proj/app/objects/old/counter.ts"}
	if d := only(t, AppFindings(app), NestedFile); len(d.Fixes) != 0 {
		t.Errorf("move onto an existing object offered: %+v", d.Fixes)
	}
}

func TestAppFindingsAbsent(t *testing.T) {
	if got := AppFindings(appOf(counterFile(t, objDir+"counter.ts").entry())); len(got) != 0 {
		t.Fatalf("want none, got %+v", got)
	}
}

func TestAnalyzeSeverityOverridesAndOrder(t *testing.T) {
	o := newObj(t, objDir+"chat_room.ts", "export default defineDurableObject({\n  methods: { a() { return this.state } },\n})\n")
	o.objectField("methods")
	o.method("a", "a() { return this.state }", analysis.KindFunction, analysis.FormMethod)
	o.use("methods.a", analysis.RecvThis, "state")
	app := appOf(o.entry())
	app.Nested = []string{"/proj/app/objects/a/b.ts"}

	got := Analyze(app, Options{})
	var codes []string
	for _, d := range got {
		codes = append(codes, string(d.Code))
	}
	// a/b.ts sorts before chat_room.ts; INVALID_NAME and NO_INIT share a position, code order
	if strings.Join(codes, ",") != "NESTED_FILE,INVALID_NAME,NO_INIT" {
		t.Fatalf("codes = %v", codes)
	}
	got = Analyze(app, Options{Severity: map[Code]Severity{NoInit: Error, NestedFile: 0}})
	if len(got) != 2 || got[1].Code != NoInit || got[1].Severity != Error {
		t.Fatalf("overrides not applied: %+v", got)
	}
}
