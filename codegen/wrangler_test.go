package codegen

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/wrangler"
	"github.com/cloudwerk/cloudwerk-lsp/internal/testutil"
	"golang.org/x/tools/txtar"
)

// A golden case is a txtar archive:
//
//	objects       one object per line: Class BINDING sqlite|kv|kv-default|hand-written|blocked
//	request       optional: `rename Old=New` / `delete Class` / `allow-kv true` lines
//	wrangler.*    the input file (its name selects the format)
//	want          the edited file (absent when an error is expected)
//	report        what the plan says (migration, bindings, flags, warnings) or `error: ...`
func TestWranglerGolden(t *testing.T) {
	testutil.EachArchive(t, "testdata/wrangler/*.txtar", func(t *testing.T, file string, ar *txtar.Archive) {
		var objs []ManagedObject
		var opts Options
		var name string
		var input []byte
		for _, f := range ar.Files {
			switch {
			case f.Name == "objects":
				objs = parseObjects(t, string(f.Data))
			case f.Name == "request":
				opts = parseRequest(string(f.Data))
			case strings.HasPrefix(f.Name, "wrangler."):
				name, input = f.Name, f.Data
			}
		}
		plan, err := EditWrangler(name, input, objs, opts)
		var want, report []byte
		if err != nil {
			report = []byte("error: " + err.Error() + "\n")
		} else {
			want = plan.New
			report = []byte(planReport(plan))
			// Idempotence: planning again on the output changes nothing.
			again, err := EditWrangler(name, plan.New, objs, Options{})
			if err != nil {
				t.Fatalf("second run: %v", err)
			}
			if !bytes.Equal(again.New, plan.New) && len(plan.Withheld) == 0 {
				t.Errorf("second run changed the file:\n%s", again.New)
			}
		}
		if testutil.Update() {
			var out []txtar.File
			for _, f := range ar.Files {
				if f.Name != "want" && f.Name != "report" {
					out = append(out, f)
				}
			}
			if want != nil {
				out = append(out, txtar.File{Name: "want", Data: want})
			}
			out = append(out, txtar.File{Name: "report", Data: report})
			ar.Files = out
			if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		for _, f := range ar.Files {
			switch f.Name {
			case "want":
				if !bytes.Equal(f.Data, want) {
					t.Errorf("output differs:\n--- got\n%s\n--- want\n%s", want, f.Data)
				}
			case "report":
				if !bytes.Equal(f.Data, report) {
					t.Errorf("report differs:\n--- got\n%s\n--- want\n%s", report, f.Data)
				}
			}
		}
	})
}

func parseObjects(t *testing.T, s string) []ManagedObject {
	var out []ManagedObject
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) != 3 {
			t.Fatalf("bad object line %q", line)
		}
		o := ManagedObject{Class: f[0], Binding: f[1], Path: "app/objects/" + f[0] + ".ts"}
		switch f[2] {
		case "sqlite":
			o.SQLite = true
		case "kv": // sqlite: false, written out
		case "kv-default": // no sqlite key
			o.ImplicitKV = true
		case "hand-written":
			o.HandWritten, o.Path = true, "cloudwerk.config.ts"
		case "blocked":
			o.Blocked = "its definition has errors (NO_HANDLER)"
		default:
			t.Fatalf("bad storage %q in %q (want sqlite, kv, kv-default, hand-written or blocked)", f[2], line)
		}
		out = append(out, o)
	}
	return out
}

func parseRequest(s string) Options {
	var o Options
	for _, line := range strings.Split(s, "\n") {
		f := strings.Fields(line)
		if len(f) != 2 {
			continue
		}
		switch f[0] {
		case "rename":
			from, to, _ := strings.Cut(f[1], "=")
			o.Renames = append(o.Renames, Rename{From: from, To: to})
		case "delete":
			o.Deletes = append(o.Deletes, f[1])
		case "allow-kv":
			o.AllowKV = f[1] == "true"
		}
	}
	return o
}

func planReport(p *WranglerPlan) string {
	var b strings.Builder
	if p.Migration != nil {
		fmt.Fprintf(&b, "migration: %s\n", p.Migration.Summary())
	} else {
		b.WriteString("migration: nothing to append\n")
	}
	for _, em := range p.EnvMigrations {
		fmt.Fprintf(&b, "migration (env.%s): %s\n", em.Env, em.Migration.Summary())
	}
	for _, s := range p.AddedExports {
		fmt.Fprintf(&b, "export added: %s\n", s)
	}
	for _, s := range p.AddedBindings {
		fmt.Fprintf(&b, "binding added: %s\n", s)
	}
	for _, s := range p.UpdatedBindings {
		fmt.Fprintf(&b, "binding updated: %s\n", s)
	}
	for _, s := range p.RemovedBindings {
		fmt.Fprintf(&b, "binding removed: %s\n", s)
	}
	for _, s := range p.NeedsFlag {
		fmt.Fprintf(&b, "needs flag: %s\n", s)
	}
	for _, s := range p.Withheld {
		fmt.Fprintf(&b, "withheld: %s\n", s)
	}
	for _, x := range p.Blocked {
		fmt.Fprintf(&b, "blocked: %s (%s, %s): %s\n", x.Class, x.Binding, x.Path, x.Reason)
	}
	for _, s := range p.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", s)
	}
	for _, s := range p.Notes {
		fmt.Fprintf(&b, "note: %s\n", s)
	}
	return b.String()
}

func TestWranglerCRLF(t *testing.T) {
	in := strings.ReplaceAll("# ledger\nname = \"x\"\n\n[[durable_objects.bindings]]\nname = \"A\"\nclass_name = \"A\"\n\n[[migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [\"A\"]\n", "\n", "\r\n")
	objs := []ManagedObject{{Class: "A", Binding: "A", SQLite: true}, {Class: "B", Binding: "B", SQLite: true}}
	for _, name := range []string{"wrangler.toml"} {
		p, err := EditWrangler(name, []byte(in), objs, Options{})
		if err != nil {
			t.Fatal(err)
		}
		out := string(p.New)
		if !strings.HasPrefix(out, in[:strings.Index(in, "[[migrations]]")]) && !strings.Contains(out, "[[durable_objects.bindings]]\r\nname = \"B\"") {
			t.Errorf("binding not added with CRLF:\n%q", out)
		}
		if strings.Count(out, "\n") != strings.Count(out, "\r\n") {
			t.Errorf("lone LF in output:\n%q", out)
		}
		if !strings.Contains(out, "tag = \"v2\"\r\nnew_sqlite_classes = [\"B\"]\r\n") {
			t.Errorf("migration missing:\n%q", out)
		}
	}
	jin := strings.ReplaceAll("{\n  // c\n  \"name\": \"x\",\n  \"migrations\": [\n    { \"tag\": \"v1\", \"new_sqlite_classes\": [\"A\"] },\n  ],\n}\n", "\n", "\r\n")
	p, err := EditWrangler("wrangler.jsonc", []byte(jin), objs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if out := string(p.New); strings.Count(out, "\n") != strings.Count(out, "\r\n") {
		t.Errorf("lone LF in JSONC output:\n%q", out)
	}
}

// A created wrangler.toml names the app's real entry, or no `main` at all.
func TestPlanWranglerCreates(t *testing.T) {
	tests := []struct {
		entry string // file created under the app root; "" for none
		main  string // the expected second line
	}{
		{"", "# main = \"src/index.ts\"  # your Worker entry; it must `export * from './.cloudwerk/generated/objects'`"},
		{"worker.ts", `main = "worker.ts"`},
		{"src/index.ts", `main = "src/index.ts"`},
		{"dist/index.js", `main = "dist/index.js"`},
	}
	for _, tt := range tests {
		t.Run(tt.entry, func(t *testing.T) {
			root := filepath.Join(t.TempDir(), "My App")
			if err := os.MkdirAll(root, 0o755); err != nil {
				t.Fatal(err)
			}
			if tt.entry != "" {
				p := filepath.Join(root, filepath.FromSlash(tt.entry))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte("export default {}\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			app := &analysis.App{Root: root}
			p, err := PlanWrangler(app, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if p.Exists || p.Path != filepath.Join(root, "wrangler.toml") || !strings.HasPrefix(string(p.New), "name = \"my-app\"\n"+tt.main+"\ncompatibility_date = ") {
				t.Fatalf("plan = %+v\n%s", p, p.New)
			}
			if (tt.entry == "") != (len(p.Notes) == 1) {
				t.Errorf("notes = %q", p.Notes)
			}
			w := wrangler.Parse(p.Path, p.New)
			if !w.Parsed() {
				t.Fatalf("created file does not parse: %+v", w.ParseError)
			}
			if w.Main != tt.entry {
				t.Errorf("main = %q, want %q", w.Main, tt.entry)
			}
		})
	}
}

func TestPlanWranglerRefusesBrokenFile(t *testing.T) {
	app := &analysis.App{Root: "/app", Wrangler: wrangler.Parse("/app/wrangler.toml", []byte("name = \n"))}
	if _, err := PlanWrangler(app, Options{}); err == nil || !strings.Contains(err.Error(), "WRANGLER_CONFIG") {
		t.Fatalf("err = %v", err)
	}
}

func TestNextTag(t *testing.T) {
	tests := []struct {
		tags []string
		want string
	}{
		{nil, "v1"},
		{[]string{"v1"}, "v2"},
		{[]string{"v1", "v9", "v3"}, "v10"},
		{[]string{"initial"}, "cloudwerk-2"},
		{[]string{"v1", "cloudwerk-3", "x"}, "cloudwerk-4"},
		{[]string{"cloudwerk-2", "b"}, "cloudwerk-3"},
	}
	for _, tt := range tests {
		var migs []wrangler.Migration
		for _, tag := range tt.tags {
			migs = append(migs, wrangler.Migration{Tag: tag})
		}
		if got := nextTag(migs); got != tt.want {
			t.Errorf("nextTag(%v) = %q, want %q", tt.tags, got, tt.want)
		}
	}
}

// BenchmarkPlanWranglerUpToDate10k plans an already parsed, up-to-date wrangler.toml
// of 10,000 objects (the common generate run: nothing to change).
func BenchmarkPlanWranglerUpToDate10k(b *testing.B) {
	var objs []ManagedObject
	var src strings.Builder
	var classes []string
	for i := 0; i < 10000; i++ {
		o := ManagedObject{Class: fmt.Sprintf("Obj%d", i), Binding: fmt.Sprintf("OBJ%d", i), SQLite: true}
		objs = append(objs, o)
		fmt.Fprintf(&src, "[[durable_objects.bindings]]\nname = %q\nclass_name = %q\n\n", o.Binding, o.Class)
		classes = append(classes, fmt.Sprintf("%q", o.Class))
	}
	fmt.Fprintf(&src, "[[migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [%s]\n", strings.Join(classes, ", "))
	w := wrangler.Parse("wrangler.toml", []byte(src.String()))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, err := editWrangler(w, objs, Options{})
		if err != nil || p.Changed() {
			b.Fatalf("plan: %v changed=%v", err, p.Changed())
		}
	}
}

// BenchmarkEditWrangler10k plans a wrangler.toml for 10,000 objects, half of them
// already bound and migrated (generate's wrangler share of the 10,000-object budget).
func BenchmarkEditWrangler10k(b *testing.B) {
	var objs []ManagedObject
	var src strings.Builder
	src.WriteString("name = \"big\"\n")
	var migrated []string
	for i := 0; i < 10000; i++ {
		o := ManagedObject{Class: fmt.Sprintf("Obj%d", i), Binding: fmt.Sprintf("OBJ%d", i), SQLite: true}
		objs = append(objs, o)
		if i%2 == 0 {
			fmt.Fprintf(&src, "\n[[durable_objects.bindings]]\nname = %q\nclass_name = %q\n", o.Binding, o.Class)
			migrated = append(migrated, fmt.Sprintf("%q", o.Class))
		}
	}
	fmt.Fprintf(&src, "\n[[migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [%s]\n", strings.Join(migrated, ", "))
	data := []byte(src.String())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, err := EditWrangler("wrangler.toml", data, objs, Options{})
		if err != nil || p.Migration == nil || len(p.Migration.NewSqliteClasses) != 5000 {
			b.Fatalf("plan: %v", err)
		}
	}
}

// TestJSONCTrailingCommentStaysOnItsLine: creating the bindings and migrations
// members after a last member that carries a trailing comment leaves the
// comment on that member's line.
func TestJSONCTrailingCommentStaysOnItsLine(t *testing.T) {
	objs := []ManagedObject{{Class: "Counter", Binding: "COUNTER", SQLite: true}}
	for _, tc := range []struct{ name, src, want string }{
		{"line comment", "{\n  \"name\": \"demo\",\n  \"main\": \"worker.ts\" // the entry\n}\n", "\"main\": \"worker.ts\", // the entry\n"},
		{"after a trailing comma", "{\n  \"name\": \"demo\",\n  \"main\": \"worker.ts\", // the entry\n}\n", "\"main\": \"worker.ts\", // the entry\n"},
		{"block comment, CRLF", "{\r\n  \"name\": \"demo\",\r\n  \"main\": \"worker.ts\" /* the entry */\r\n}\r\n", "\"main\": \"worker.ts\", /* the entry */\r\n"},
	} {
		plan, err := EditWrangler("wrangler.jsonc", []byte(tc.src), objs, Options{})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := string(plan.New)
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s: the comment moved:\n%s", tc.name, got)
		}
		if w := wrangler.Parse("wrangler.jsonc", plan.New); w.ParseError != nil || len(w.Bindings) != 1 || len(w.Migrations) != 1 {
			t.Errorf("%s: result does not read back: %+v\n%s", tc.name, w.ParseError, got)
		}
	}
}
