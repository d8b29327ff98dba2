package diagnostics

import (
	"strings"
	"testing"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

const objDir = "/proj/app/objects/"

// build makes an object file from source plus a setup that records its fields.
func build(t *testing.T, name, text string, setup func(o *objFile)) *objFile {
	o := newObj(t, objDir+name, text)
	if setup != nil {
		setup(o)
	}
	return o
}

func appOf(entries ...*analysis.Entry) *analysis.App {
	return &analysis.App{Root: "/proj", ObjectsDir: "/proj/app/objects", Config: analysis.Config{AppDir: "app"}, Manifest: manifestOf(entries...)}
}

func only(t *testing.T, diags []Diagnostic, code Code) Diagnostic {
	t.Helper()
	var found []Diagnostic
	for _, d := range diags {
		if d.Code == code {
			found = append(found, d)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want exactly one %s, got %d in %+v", code, len(found), diags)
	}
	return found[0]
}

func has(diags []Diagnostic, code Code) bool {
	for _, d := range diags {
		if d.Code == code {
			return true
		}
	}
	return false
}

func TestCorrectObjectHasNoFindings(t *testing.T) {
	o := counterFile(t, objDir+"counter.ts")
	e := o.entry()
	app := appOf(e)
	if got := Analyze(app, Options{}); len(got) != 0 {
		t.Fatalf("want no findings, got %+v", got)
	}
}

func TestObjectRulesTrigger(t *testing.T) {
	const wsOnly = "export default defineDurableObject({\n  webSocketClose(ws) {},\n})\n"
	tests := []struct {
		name      string
		file      string
		text      string
		setup     func(o *objFile)
		code      Code
		severity  Severity
		rangeText string
		message   string
		fix       string // a fix title substring, "" when none expected
	}{
		{name: "invalid file name", file: "chat_room.ts",
			text: "export default defineDurableObject({\n  init() { return {} },\n  methods: { a() {} },\n})\n",
			setup: func(o *objFile) {
				o.field("init", "init() { return {} }", analysis.KindFunction)
				o.objectField("methods")
				o.method("a", "a() {}", analysis.KindFunction, analysis.FormMethod)
			},
			code: InvalidName, severity: Error, rangeText: "defineDurableObject", message: `"chat_room"`, fix: "Rename file to chat-room.ts"},
		{name: "invalid upper-case file name", file: "Counter.ts",
			text: "export default defineDurableObject({\n  fetch() {},\n})\n", setup: func(o *objFile) { o.field("fetch", "fetch() {}", analysis.KindFunction) },
			code: InvalidName, severity: Error, rangeText: "defineDurableObject", message: "starts with a-z", fix: "Rename file to counter.ts"},
		{name: "explicit name with digit segment", file: "thing.ts",
			text: "export default defineDurableObject({\n  name: 'obj-1',\n  fetch() {},\n})\n",
			setup: func(o *objFile) {
				o.field("name", "'obj-1'", analysis.KindString)
				o.field("fetch", "fetch() {}", analysis.KindFunction)
			},
			code: InvalidName, severity: Error, rangeText: "'obj-1'", message: `object name "obj-1"`},
		{name: "no default export", file: "counter.ts", text: "import x from 'y'\nexport const a = 1\n",
			code: InvalidDefinition, severity: Error, rangeText: "", message: "no default export"},
		{name: "default export not a define call", file: "counter.ts", text: "export default { fetch() {} }\n",
			code: InvalidDefinition, severity: Error, rangeText: "export default { fetch() {} }", message: "not a defineDurableObject(...) call"},
		{name: "parse error", file: "counter.ts", text: "export default defineDurableObject({ methods: { a( }\n",
			setup: func(o *objFile) {
				o.def.Export = analysis.ExportNone
				o.def.ParseErrors = []analysis.Range{o.at("a( }", 0)}
			},
			code: InvalidDefinition, severity: Error, rangeText: "a( }", message: "syntax error"},
		{name: "no config argument", file: "counter.ts", text: "export default defineDurableObject()\n",
			setup: func(o *objFile) {
				o.def.ConfigIsLiteral = false
				o.def.ConfigAt = o.at("()", 0)
			},
			code: InvalidDefinition, severity: Error, rangeText: "defineDurableObject", message: "needs a config object"},
		{name: "no handler", file: "counter.ts", text: "export default defineDurableObject({\n  init() { return {} },\n})\n",
			setup: func(o *objFile) { o.field("init", "init() { return {} }", analysis.KindFunction) },
			code:  NoHandler, severity: Error, rangeText: "defineDurableObject", message: "DurableObjectNoHandlerError"},
		{name: "webSocketClose alone is no handler", file: "counter.ts", text: wsOnly,
			setup: func(o *objFile) { o.field("webSocketClose", "webSocketClose(ws) {}", analysis.KindFunction) },
			code:  NoHandler, severity: Error, rangeText: "defineDurableObject", message: "webSocketClose/webSocketError alone"},
		{name: "empty methods is no handler", file: "counter.ts", text: "export default defineDurableObject({\n  methods: {},\n})\n",
			setup: func(o *objFile) { o.objectField("methods") },
			code:  NoHandler, severity: Error, rangeText: "defineDurableObject", message: "at least one method"},
		{name: "name breaks runtime pattern", file: "counter.ts", text: "export default defineDurableObject({\n  name: 'Chat_Room',\n  fetch() {},\n})\n",
			setup: func(o *objFile) {
				o.field("name", "'Chat_Room'", analysis.KindString)
				o.field("fetch", "fetch() {}", analysis.KindFunction)
			},
			code: InvalidConfig, severity: Error, rangeText: "'Chat_Room'", message: "DurableObjectConfigError"},
		{name: "name not a string", file: "counter.ts", text: "export default defineDurableObject({\n  name: 42,\n  fetch() {},\n})\n",
			setup: func(o *objFile) {
				o.field("name", "42", analysis.KindNumber)
				o.field("fetch", "fetch() {}", analysis.KindFunction)
			},
			code: InvalidConfig, severity: Error, rangeText: "42", message: "name must be a non-empty string"},
		{name: "sqlite not boolean", file: "counter.ts", text: "export default defineDurableObject({\n  sqlite: 'yes',\n  fetch() {},\n})\n",
			setup: func(o *objFile) {
				o.field("sqlite", "'yes'", analysis.KindString)
				o.field("fetch", "fetch() {}", analysis.KindFunction)
			},
			code: InvalidConfig, severity: Error, rangeText: "'yes'", message: "sqlite must be a boolean"},
		{name: "methods not an object", file: "counter.ts", text: "export default defineDurableObject({\n  methods: [],\n  fetch() {},\n})\n",
			setup: func(o *objFile) {
				o.field("methods", "[]", analysis.KindOther)
				o.field("fetch", "fetch() {}", analysis.KindFunction)
			},
			code: InvalidConfig, severity: Error, rangeText: "methods", message: "methods must be an object"},
		{name: "reserved method name", file: "counter.ts",
			text: "export default defineDurableObject({\n  methods: {\n    init() {},\n    get() {},\n  },\n})\n",
			setup: func(o *objFile) {
				o.objectField("methods")
				o.method("init", "init() {}", analysis.KindFunction, analysis.FormMethod)
				o.method("get", "get() {}", analysis.KindFunction, analysis.FormMethod)
			},
			code: InvalidConfig, severity: Error, rangeText: "init", message: `method name "init" is reserved`, fix: "Rename method 'init' to 'initialize'"},
		{name: "method name not an identifier", file: "counter.ts",
			text: "export default defineDurableObject({\n  methods: {\n    'my-method'() {},\n  },\n})\n",
			setup: func(o *objFile) {
				o.objectField("methods")
				o.method("my-method", "'my-method'() {}", analysis.KindFunction, analysis.FormMethod)
				o.def.Methods[0].StringKey = true
			},
			code: InvalidConfig, severity: Error, rangeText: "my-method", message: "not a JavaScript identifier"},
		{name: "method not a function", file: "counter.ts",
			text: "export default defineDurableObject({\n  methods: {\n    count: 5,\n    get() {},\n  },\n})\n",
			setup: func(o *objFile) {
				o.objectField("methods")
				o.method("count", "count: 5", analysis.KindNumber, analysis.FormOther)
				o.method("get", "get() {}", analysis.KindFunction, analysis.FormMethod)
			},
			code: InvalidConfig, severity: Error, rangeText: "count: 5", message: `method "count" must be a function`},
		{name: "handler not a function", file: "counter.ts", text: "export default defineDurableObject({\n  alarm() {},\n  fetch: 'nope',\n})\n",
			setup: func(o *objFile) {
				o.field("alarm", "alarm() {}", analysis.KindFunction)
				o.field("fetch", "'nope'", analysis.KindString)
			},
			code: InvalidConfig, severity: Error, rangeText: "'nope'", message: "fetch must be a function"},
		{name: "no init", file: "counter.ts", text: "export default defineDurableObject({\n  methods: { a() { return this.state.n } },\n})\n",
			setup: func(o *objFile) {
				o.objectField("methods")
				o.method("a", "a() { return this.state.n }", analysis.KindFunction, analysis.FormMethod)
				o.use("methods.a", analysis.RecvThis, "state")
			},
			code: NoInit, severity: Warning, rangeText: "defineDurableObject", message: "no init"},
		{name: "sqlite without init", file: "counter.ts", text: "export default defineDurableObject({\n  sqlite: true,\n  methods: { a() { this.ctx.sql.exec('SELECT 1') } },\n})\n",
			setup: func(o *objFile) {
				o.field("sqlite", "true", analysis.KindBool)
				o.objectField("methods")
				o.method("a", "a() { this.ctx.sql.exec('SELECT 1') }", analysis.KindFunction, analysis.FormMethod)
				o.use("methods.a", analysis.RecvCtx, "sql")
			},
			code: SqliteWithoutInit, severity: Warning, rangeText: "sqlite: true", message: "without init"},
		{name: "spread is not analyzable", file: "counter.ts", text: "export default defineDurableObject({\n  ...base,\n})\n",
			setup: func(o *objFile) { o.unknown("...base", "spread in defineDurableObject config") },
			code:  NotAnalyzable, severity: Info, rangeText: "...base", message: "spread in defineDurableObject config"},
		{name: "skipped file", file: "counter.ts", text: "\x00\x01",
			setup: func(o *objFile) { o.def.Skipped = "binary file" },
			code:  NotAnalyzable, severity: Info, rangeText: "", message: "binary file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := build(t, tc.file, tc.text, tc.setup)
			e := o.entry()
			d := only(t, ObjectFindings(appOf(e), e), tc.code)
			if d.Severity != tc.severity || RuleFor(tc.code).Severity != tc.severity {
				t.Errorf("severity = %v (catalog %v), want %v", d.Severity, RuleFor(tc.code).Severity, tc.severity)
			}
			if got := o.textOf(d.Range); got != tc.rangeText {
				t.Errorf("range text = %q, want %q", got, tc.rangeText)
			}
			if !strings.Contains(d.Message, tc.message) {
				t.Errorf("message %q does not contain %q", d.Message, tc.message)
			}
			if tc.fix != "" && (len(d.Fixes) == 0 || !strings.Contains(d.Fixes[0].Title, tc.fix) || !d.Fixes[0].Preferred) {
				t.Errorf("fixes = %+v, want a preferred %q", d.Fixes, tc.fix)
			}
		})
	}
}

// TestObjectRulesAbsent shows each code silent on code that is correct in the
// respect it checks (the near miss of each trigger above).
func TestObjectRulesAbsent(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		text  string
		setup func(o *objFile)
		codes []Code
	}{
		{name: "kebab and camel file names are valid", file: "chat-room.ts", text: "export default defineDurableObject({\n  init() { return {} },\n  methods: { a() {} },\n})\n",
			setup: func(o *objFile) {
				o.field("init", "init() { return {} }", analysis.KindFunction)
				o.objectField("methods")
				o.method("a", "a() {}", analysis.KindFunction, analysis.FormMethod)
			},
			codes: []Code{InvalidName, InvalidDefinition, NoHandler, InvalidConfig, NoInit, NoMethods, NotAnalyzable}},
		{name: "valid explicit name", file: "thing.ts", text: "export default defineDurableObject({\n  name: 'chat-room',\n  fetch() {},\n})\n",
			setup: func(o *objFile) {
				o.field("name", "'chat-room'", analysis.KindString)
				o.field("fetch", "fetch() {}", analysis.KindFunction)
			},
			codes: []Code{InvalidName, InvalidConfig}},
		{name: "alarm alone is a handler", file: "counter.ts", text: "export default defineDurableObject({\n  alarm() {},\n})\n",
			setup: func(o *objFile) { o.field("alarm", "alarm() {}", analysis.KindFunction) },
			codes: []Code{NoHandler, InvalidConfig}},
		{name: "webSocketMessage alone is a handler", file: "counter.ts", text: "export default defineDurableObject({\n  webSocketMessage(ws, m) {},\n})\n",
			setup: func(o *objFile) { o.field("webSocketMessage", "webSocketMessage(ws, m) {}", analysis.KindFunction) },
			codes: []Code{NoHandler}},
		{name: "unknown values are not guessed", file: "counter.ts", text: "export default defineDurableObject({\n  name: NAME,\n  sqlite: FLAG,\n  methods: shared,\n  fetch: handler,\n})\n",
			setup: func(o *objFile) {
				o.field("name", "NAME", analysis.KindUnknown)
				o.field("sqlite", "FLAG", analysis.KindUnknown)
				o.field("methods", "shared", analysis.KindUnknown)
				o.field("fetch", "handler", analysis.KindUnknown)
			},
			codes: []Code{InvalidConfig, NoHandler, NoMethods}},
		{name: "config through a variable is unknown, not invalid", file: "counter.ts", text: "export default defineDurableObject(config)\n",
			setup: func(o *objFile) {
				o.def.ConfigIsLiteral = false
				o.def.ConfigAt = o.at("config", 20)
				o.unknown("config", "defineDurableObject config is not an object literal")
			},
			codes: []Code{InvalidDefinition, NoHandler, NoInit}},
		{name: "spread silences absence checks", file: "counter.ts", text: "export default defineDurableObject({\n  ...base,\n})\n",
			setup: func(o *objFile) { o.unknown("...base", "spread in defineDurableObject config") },
			codes: []Code{NoHandler, NoInit, NoMethods}},
		{name: "spread inside methods keeps them open", file: "counter.ts", text: "export default defineDurableObject({\n  init() { return {} },\n  methods: { ...shared },\n})\n",
			setup: func(o *objFile) {
				o.field("init", "init() { return {} }", analysis.KindFunction)
				o.objectField("methods")
				o.unknown("...shared", "spread in methods")
			},
			codes: []Code{NoHandler, NoMethods}},
		{name: "shorthand method value is unknown", file: "counter.ts", text: "export default defineDurableObject({\n  init() { return {} },\n  methods: { helper },\n})\n",
			setup: func(o *objFile) {
				o.field("init", "init() { return {} }", analysis.KindFunction)
				o.objectField("methods")
				o.method("helper", "helper", analysis.KindUnknown, analysis.FormShorthand)
			},
			codes: []Code{InvalidConfig, NoHandler}},
		{name: "sqlite false without init is only NO_INIT", file: "counter.ts", text: "export default defineDurableObject({\n  sqlite: false,\n  methods: { a() {} },\n})\n",
			setup: func(o *objFile) {
				o.field("sqlite", "false", analysis.KindBool)
				o.objectField("methods")
				o.method("a", "a() {}", analysis.KindFunction, analysis.FormMethod)
			},
			codes: []Code{SqliteWithoutInit, InvalidConfig}},
		{name: "a fetch-only object is not missing methods", file: "counter.ts", text: "export default defineDurableObject({\n  init() { return {} },\n  fetch() {},\n})\n",
			setup: func(o *objFile) {
				o.field("init", "init() { return {} }", analysis.KindFunction)
				o.field("fetch", "fetch() {}", analysis.KindFunction)
			},
			codes: []Code{NoMethods, NoHandler}},
		{name: "no init is fine when this.state is never read", file: "counter.ts", text: "export default defineDurableObject({\n  methods: { a() { return 1 } },\n})\n",
			setup: func(o *objFile) {
				o.objectField("methods")
				o.method("a", "a() { return 1 }", analysis.KindFunction, analysis.FormMethod)
			},
			codes: []Code{NoInit}},
		{name: "sqlite without init is fine without SQL", file: "counter.ts", text: "export default defineDurableObject({\n  sqlite: true,\n  methods: { a() {} },\n})\n",
			setup: func(o *objFile) {
				o.field("sqlite", "true", analysis.KindBool)
				o.objectField("methods")
				o.method("a", "a() {}", analysis.KindFunction, analysis.FormMethod)
			},
			codes: []Code{SqliteWithoutInit, NoInit}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := build(t, tc.file, tc.text, tc.setup)
			e := o.entry()
			got := ObjectFindings(appOf(e), e)
			for _, c := range tc.codes {
				if has(got, c) {
					t.Errorf("unexpected %s in %+v", c, got)
				}
			}
		})
	}
}

func TestReservedMethodFixes(t *testing.T) {
	text := "export default defineDurableObject({\n  methods: {\n    init,\n    initialize() {},\n  },\n})\n"
	o := build(t, "counter.ts", text, func(o *objFile) {
		o.objectField("methods")
		o.method("init", "init", analysis.KindUnknown, analysis.FormShorthand)
		o.method("initialize", "initialize() {}", analysis.KindFunction, analysis.FormMethod)
	})
	e := o.entry()
	d := only(t, ObjectFindings(appOf(e), e), InvalidConfig)
	if len(d.Fixes) != 1 || len(d.Fixes[0].Edits) != 1 {
		t.Fatalf("fixes = %+v", d.Fixes)
	}
	// `initialize` is taken and a shorthand keeps its value.
	if got := d.Fixes[0].Edits[0].NewText; got != "initialize2: init" {
		t.Errorf("new text = %q", got)
	}
	if got := o.textOf(d.Fixes[0].Edits[0].Range); got != "init" {
		t.Errorf("edit range text = %q", got)
	}
}

func TestKebabFileName(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"chat_room", "chat-room", true},
		{"Counter", "counter", true},
		{"ChatRoom", "chat-room", true},
		{"APIKey", "api-key", true},
		{"obj-123", "obj123", true},
		{"rate__limiter", "rate-limiter", true},
		{"2fa", "", false},
		{"counter", "", false}, // already valid: nothing to rename
		{"_", "", false},
	}
	for _, tc := range tests {
		got, ok := kebabFileName(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("kebabFileName(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestInvalidNameFixSkipsTakenName(t *testing.T) {
	bad := counterFile(t, objDir+"Counter.ts").entry()
	good := counterFile(t, objDir+"counter.ts").entry()
	d := only(t, ObjectFindings(appOf(bad, good), bad), InvalidName)
	if len(d.Fixes) != 0 {
		t.Errorf("rename onto an existing object offered: %+v", d.Fixes)
	}
}
