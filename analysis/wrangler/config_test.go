package wrangler

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const tomlSample = `# top comment
name = "demo"
main = "worker.ts"

[[durable_objects.bindings]]
name = "COUNTER"   # counts
class_name = "Counter"

[[durable_objects.bindings]]
name = "REMOTE"
class_name = "Remote"
script_name = "other-worker"

[env.staging]
durable_objects = { bindings = [ { name = "COUNTER", class_name = "Counter" } ] }

[env.production]
vars = { A = "1" }

[[migrations]]
tag = "v1"
new_sqlite_classes = ["Counter"]

[[migrations]]
tag = "v2"
new_classes = [ "Old" ]
renamed_classes = [{ from = "Old", to = "New" }]
`

const jsoncSample = `{
  // comment
  "name": "demo",
  "durable_objects": {
    "bindings": [
      { "name": "COUNTER", "class_name": "Counter" },
    ],
  },
  "env": { "prod": { "vars": {} } },
  "migrations": [
    { "tag": "v1", "new_sqlite_classes": ["Counter"] },
  ],
}
`

func TestParseWranglerTOML(t *testing.T) {
	w := Parse("/x/wrangler.toml", []byte(tomlSample))
	if !w.Parsed() {
		t.Fatalf("parse: %+v %+v", w.ParseError, w.ShapeErrors)
	}
	if w.Name != "demo" || w.Main != "worker.ts" || w.Format != TOML {
		t.Errorf("name/main/format = %q %q %v", w.Name, w.Main, w.Format)
	}
	if len(w.Bindings) != 2 || w.Bindings[0].Name != "COUNTER" || w.Bindings[1].ScriptName != "other-worker" || w.Bindings[1].Local() {
		t.Fatalf("bindings = %+v", w.Bindings)
	}
	b := w.Bindings[0]
	if got := tomlSample[b.At.Start.Offset:b.At.End.Offset]; !strings.HasPrefix(got, "[[durable_objects.bindings]]") || !strings.HasSuffix(got, "class_name = \"Counter\"\n") {
		t.Errorf("binding block = %q", got)
	}
	if got := tomlSample[b.ClassAt.Start.Offset:b.ClassAt.End.Offset]; got != `"Counter"` {
		t.Errorf("class_name value = %q", got)
	}
	if b.At.Start.Line != 4 || b.At.Start.Col16 != 0 {
		t.Errorf("binding start = %+v", b.At.Start)
	}
	if len(w.Envs) != 2 || w.Envs[0].Name != "production" || w.Envs[0].DeclaresDurableObjects || !w.Envs[1].DeclaresDurableObjects {
		t.Fatalf("envs = %+v", w.Envs)
	}
	eb := w.Envs[1].Bindings
	if len(eb) != 1 || tomlSample[eb[0].At.Start.Offset:eb[0].At.End.Offset] != `{ name = "COUNTER", class_name = "Counter" }` {
		t.Errorf("env bindings = %+v", eb)
	}
	if len(w.Migrations) != 2 || w.Migrations[1].Tag != "v2" || w.Migrations[1].RenamedClasses[0].To != "New" {
		t.Fatalf("migrations = %+v", w.Migrations)
	}
	if got := tomlSample[w.Migrations[1].NewClasses[0].At.Start.Offset:w.Migrations[1].NewClasses[0].At.End.Offset]; got != `"Old"` {
		t.Errorf("new_classes[0] = %q", got)
	}
	if got := tomlSample[w.Migrations[0].TagAt.Start.Offset:w.Migrations[0].TagAt.End.Offset]; got != `"v1"` {
		t.Errorf("tag = %q", got)
	}
}

func TestParseWranglerJSONC(t *testing.T) {
	w := Parse("/x/wrangler.jsonc", []byte(jsoncSample))
	if !w.Parsed() {
		t.Fatalf("parse: %+v %+v", w.ParseError, w.ShapeErrors)
	}
	if w.Format != JSONC || len(w.Bindings) != 1 || len(w.Migrations) != 1 || len(w.Envs) != 1 || w.Envs[0].DeclaresDurableObjects {
		t.Fatalf("model = %+v", w)
	}
	b := w.Bindings[0]
	if got := jsoncSample[b.At.Start.Offset:b.At.End.Offset]; got != `{ "name": "COUNTER", "class_name": "Counter" }` {
		t.Errorf("binding = %q", got)
	}
	c := w.Migrations[0].NewSqliteClasses[0]
	if got := jsoncSample[c.At.Start.Offset:c.At.End.Offset]; got != `"Counter"` {
		t.Errorf("class ref = %q", got)
	}
}

func TestParseWranglerErrors(t *testing.T) {
	tests := []struct {
		name, path, src string
		wantParse       bool   // a syntax error
		wantShape       string // substring of a shape error
		line            int
	}{
		{"toml syntax", "wrangler.toml", "name = \"x\"\nmain = \n", true, "", 1},
		{"toml duplicate key", "wrangler.toml", "name = \"x\"\nname = \"y\"\n", true, "", 1},
		{"jsonc syntax", "wrangler.jsonc", "{\n  \"name\": \"x\",\n  \"main\" \"y\"\n}", true, "", 2},
		{"json not object", "wrangler.json", "[1]", true, "", 0},
		{"migrations not array", "wrangler.toml", "migrations = \"v1\"\n", false, `"migrations" field should be an array`, 0},
		{"bindings not array", "wrangler.toml", "[durable_objects]\nbindings = 3\n", false, `should be an array`, 1},
		{"binding without class", "wrangler.toml", "[[durable_objects.bindings]]\nname = \"A\"\n", false, `class_name`, 0},
		{"tag missing", "wrangler.toml", "[[migrations]]\nnew_classes = [\"A\"]\n", false, `tag`, 0},
		{"renamed wrong", "wrangler.jsonc", `{"migrations":[{"tag":"v1","renamed_classes":["A"]}]}`, false, `renamed_classes`, 0},
		{"exports with migrations", "wrangler.toml", "[[migrations]]\ntag = \"v1\"\n[exports]\nA = { type = \"durable_object\", storage = \"sqlite\" }\n", false, `cannot be used together`, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := Parse(tt.path, []byte(tt.src))
			if tt.wantParse {
				if w.ParseError == nil {
					t.Fatalf("no parse error")
				}
				if int(w.ParseError.At.Start.Line) != tt.line {
					t.Errorf("error line = %d, want %d (%s)", w.ParseError.At.Start.Line, tt.line, w.ParseError.Message)
				}
				return
			}
			if w.ParseError != nil {
				t.Fatalf("unexpected parse error %v", w.ParseError)
			}
			if len(w.ShapeErrors) == 0 || !strings.Contains(w.ShapeErrors[0].Message, tt.wantShape) {
				t.Fatalf("shape errors = %+v, want %q", w.ShapeErrors, tt.wantShape)
			}
			if int(w.ShapeErrors[0].At.Start.Line) != tt.line {
				t.Errorf("shape error line = %d, want %d", w.ShapeErrors[0].At.Start.Line, tt.line)
			}
		})
	}
}

func TestExportsTable(t *testing.T) {
	w := Parse("wrangler.toml", []byte("[exports]\nCounter = { type = \"durable_object\", storage = \"sqlite\" }\nOther = { type = \"worker\" }\n"))
	if !w.Parsed() || !w.UsesExports || len(w.Exports) != 1 || w.Exports[0].Class != "Counter" || w.Exports[0].Storage != "sqlite" {
		t.Fatalf("exports = %+v %+v", w.Exports, w.ShapeErrors)
	}
}

func TestPosUTF16(t *testing.T) {
	src := "name = \"é😀\"\nmain = \"w\"\n"
	d, issue := ParseDoc(TOML, []byte(src))
	if issue != nil {
		t.Fatal(issue)
	}
	l, _ := d.Loc("name")
	end := d.Pos(l.At.End)
	if end.Line != 0 || end.Col16 != 12 { // name = " (8) + é (1) + 😀 (2) + " (1)
		t.Errorf("end = %+v", end)
	}
	if p := d.Pos(strings.Index(src, "main")); p.Line != 1 || p.Col16 != 0 {
		t.Errorf("main = %+v", p)
	}
}

func TestFindWranglerFile(t *testing.T) {
	root := t.TempDir()
	app := filepath.Join(root, "repo", "apps", "web")
	must(t, os.MkdirAll(app, 0o755))
	must(t, os.MkdirAll(filepath.Join(root, "repo", ".git"), 0o755))
	write := func(p string) { must(t, os.WriteFile(p, []byte("name = \"x\"\n"), 0o644)) }

	if p, _ := Find(app); p != "" {
		t.Fatalf("found %q in an empty tree", p)
	}
	write(filepath.Join(root, "wrangler.json")) // above the repository: ignored
	if p, _ := Find(app); p != "" {
		t.Fatalf("found %q above .git", p)
	}
	write(filepath.Join(app, "wrangler.toml"))
	write(filepath.Join(root, "repo", "wrangler.jsonc"))
	// Like wrangler's find-up per name: a wrangler.jsonc further up beats a wrangler.toml here.
	if p, others := Find(app); p != filepath.Join(root, "repo", "wrangler.jsonc") || others != nil {
		t.Fatalf("got %q %v", p, others)
	}
	write(filepath.Join(app, "wrangler.json"))
	p, others := Find(app)
	if p != filepath.Join(app, "wrangler.json") || !reflect.DeepEqual(others, []string{filepath.Join(app, "wrangler.toml")}) {
		t.Fatalf("got %q %v", p, others)
	}
	w := Load(app)
	if w == nil || w.Format != JSON || len(w.Ambiguous) != 1 {
		t.Fatalf("Load = %+v", w)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestTOMLIsReadAsWranglerReadsIt: what wrangler's TOML 1.0 reader rejects is
// a parse error here too (go-toml alone takes TOML 1.1); what it reads (a
// UTF-8 byte order mark) reads here, with positions still in the file; other
// encodings get a message that names them.
func TestTOMLIsReadAsWranglerReadsIt(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		err       string // "" when the file must parse
	}{
		{"trailing comma", "name = \"x\"\nLIMITS = { cpu = 1, }\n", "trailing comma in an inline table"},
		{"trailing comma nested", "a = { b = { c = 1, }, d = 2 }\n", "trailing comma in an inline table"},
		{"newline inside", "LIMITS = { cpu = 1,\n  mem = 2 }\n", "newline inside an inline table"},
		{"comment inside", "LIMITS = { cpu = 1 # no\n}\n", "newline inside an inline table"},
		{"plain inline table", "LIMITS = { cpu = 1, mem = 2 }\n", ""},
		{"array with newlines inside", "t = { a = [\n  1,\n  2,\n] }\n", ""},
		{"multi-line string inside", "t = { a = \"\"\"x\ny\"\"\" }\n", ""},
		{"strings with braces and commas", "t = { a = \"}, {\", b = '#,}' }\nu = [\n  \"x\",\n]\n", ""},
		{"table header brackets", "[env.\"a]b\"]\nname = \"x\"\n[[migrations]]\ntag = \"v1\"\n", ""},
		{"UTF-8 byte order mark", "\xef\xbb\xbfname = \"x\"\n", ""},
		{"UTF-16 byte order mark", "\xff\xfen\x00a\x00", "UTF-16"},
		{"invalid UTF-8", "name = \"\xff\"\n", "not valid UTF-8 (byte 0xFF)"},
	} {
		w := Parse("wrangler.toml", []byte(tc.src))
		switch {
		case tc.err == "" && w.ParseError != nil:
			t.Errorf("%s: refused: %s", tc.name, w.ParseError.Message)
		case tc.err != "" && (w.ParseError == nil || !strings.Contains(w.ParseError.Message, tc.err)):
			t.Errorf("%s: parse error %+v, want one saying %q", tc.name, w.ParseError, tc.err)
		}
	}
	// With a byte order mark, positions still point into the file as it is.
	src := "\xef\xbb\xbfname = \"x\"\n\n[[durable_objects.bindings]]\nname = \"COUNTER\"\nclass_name = \"Counter\"\n"
	w := Parse("wrangler.toml", []byte(src))
	if w.ParseError != nil || w.Name != "x" || len(w.Bindings) != 1 {
		t.Fatalf("BOM file: %+v", w)
	}
	if at := w.Bindings[0].At; at.Start.Line != 2 {
		t.Errorf("binding at line %d, want 2", at.Start.Line)
	}
	if string(w.Data) != src {
		t.Error("the parsed data lost the byte order mark")
	}
}
