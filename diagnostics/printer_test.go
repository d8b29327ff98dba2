package diagnostics

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/textpos"
)

// sampleResult has multi-byte text, a related place, a path outside the base
// and characters every format must escape.
func sampleResult() *Result {
	p := func(line, col, off int) analysis.Pos { return textpos.MakePos(off, line, col) }
	return &Result{
		Base: "/repo",
		Diagnostics: []Diagnostic{
			{Code: DuplicateName, Severity: Error, Path: "/repo/app/objects/a,b:c.ts",
				Range:   analysis.Range{Start: p(2, 15, 40), End: p(2, 34, 59)},
				Message: "100% wrong\nsecond line\rend",
				Related: []Related{{Path: "/repo/app/objects/other.ts", Range: analysis.Range{Start: p(0, 0, 0)}, Message: "also here"}}},
			{Code: NotAnalyzable, Severity: Info, Path: "/elsewhere/x.ts", Message: "spread"},
			{Code: NoInit, Severity: Warning, Path: "/repo/app/routes/[id]/route.ts", Range: analysis.Range{Start: p(0, 3, 3), End: p(0, 7, 9)}, Message: "héllo 😀"},
		},
		Files: 3, Objects: 2,
	}
}

func TestSARIFStructure(t *testing.T) {
	for _, res := range []*Result{sampleResult(), {Base: "/w"}} {
		var buf bytes.Buffer
		if err := (SARIFPrinter{}).Print(&buf, res); err != nil {
			t.Fatal(err)
		}
		var log map[string]any
		if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
			t.Fatal(err)
		}
		str := func(v any, what string) string {
			t.Helper()
			s, ok := v.(string)
			if !ok || s == "" {
				t.Fatalf("%s: want a non-empty string, got %#v", what, v)
			}
			return s
		}
		obj := func(v any, what string) map[string]any {
			t.Helper()
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("%s: want an object, got %#v", what, v)
			}
			return m
		}
		arr := func(v any, what string) []any {
			t.Helper()
			a, ok := v.([]any)
			if !ok {
				t.Fatalf("%s: want an array (never null), got %#v", what, v)
			}
			return a
		}
		num := func(v any, what string, min float64) float64 {
			t.Helper()
			n, ok := v.(float64)
			if !ok || n < min {
				t.Fatalf("%s: want a number >= %v, got %#v", what, min, v)
			}
			return n
		}
		levels := map[string]bool{"none": true, "note": true, "warning": true, "error": true}

		str(log["$schema"], "$schema")
		if log["version"] != "2.1.0" {
			t.Fatalf("version = %v", log["version"])
		}
		runs := arr(log["runs"], "runs")
		if len(runs) != 1 {
			t.Fatalf("want one run, got %d", len(runs))
		}
		run := obj(runs[0], "run")
		if run["columnKind"] != "utf16CodeUnits" {
			t.Errorf("columnKind = %v", run["columnKind"])
		}
		driver := obj(obj(run["tool"], "tool")["driver"], "driver")
		str(driver["name"], "driver.name")
		str(driver["version"], "driver.version")
		if !strings.HasPrefix(str(driver["informationUri"], "informationUri"), "https://") {
			t.Errorf("informationUri not absolute")
		}
		rules := arr(driver["rules"], "rules")
		ids := map[string]int{}
		for i, r := range rules {
			rule := obj(r, "rule")
			ids[str(rule["id"], "rule.id")] = i
			str(obj(rule["shortDescription"], "shortDescription")["text"], "shortDescription.text")
			str(obj(rule["help"], "help")["text"], "help.text")
			if lvl := str(obj(rule["defaultConfiguration"], "defaultConfiguration")["level"], "level"); !levels[lvl] {
				t.Errorf("rule level %q", lvl)
			}
		}
		for _, c := range allCodes {
			if _, ok := ids[string(c)]; !ok {
				t.Errorf("rule %s missing", c)
			}
		}
		results := arr(run["results"], "results")
		if len(results) != len(res.Diagnostics) {
			t.Fatalf("%d results for %d diagnostics", len(results), len(res.Diagnostics))
		}
		location := func(v any, what string) {
			loc := obj(v, what)
			phys := obj(loc["physicalLocation"], what+".physicalLocation")
			art := obj(phys["artifactLocation"], "artifactLocation")
			uri := str(art["uri"], "uri")
			if strings.HasPrefix(uri, "file://") {
				if _, has := art["uriBaseId"]; has {
					t.Errorf("absolute uri %q with uriBaseId", uri)
				}
			} else if strings.HasPrefix(uri, "/") || art["uriBaseId"] != "%SRCROOT%" {
				t.Errorf("relative uri %q needs uriBaseId, got %v", uri, art["uriBaseId"])
			}
			region := obj(phys["region"], "region")
			sl := num(region["startLine"], "startLine", 1)
			num(region["startColumn"], "startColumn", 1)
			if num(region["endLine"], "endLine", 1) < sl {
				t.Errorf("endLine before startLine")
			}
			num(region["endColumn"], "endColumn", 1)
		}
		for i, r := range results {
			result := obj(r, "result")
			id := str(result["ruleId"], "ruleId")
			if idx, ok := ids[id]; !ok || int(num(result["ruleIndex"], "ruleIndex", 0)) != idx {
				t.Errorf("result %d: ruleIndex does not point at %s", i, id)
			}
			if !levels[str(result["level"], "level")] {
				t.Errorf("result level %v", result["level"])
			}
			str(obj(result["message"], "message")["text"], "message.text")
			locs := arr(result["locations"], "locations")
			if len(locs) != 1 {
				t.Fatalf("want one location")
			}
			location(locs[0], "location")
			if rel, ok := result["relatedLocations"]; ok {
				for _, l := range arr(rel, "relatedLocations") {
					num(obj(l, "related")["id"], "related.id", 0)
					location(l, "related")
				}
			}
		}
	}
}

// allCodes are the codes of diagnostic.go; each must have a catalog entry.
var allCodes = []Code{
	InvalidName, DuplicateName, InvalidDefinition, NoHandler, InvalidConfig, NoInit, SqliteWithoutInit, NoMethods,
	NestedFile, NotAnalyzable, FileUnreadable, CloudwerkConfig, KVStorage, StorageChanged, WranglerConfig,
	ConfigAmbiguous, BindingMissing, BindingMismatch, BindingOrphaned, MigrationMissing, LedgerInvalid,
	OrphanedClass, GeneratedStale, UnknownObject, UnknownMethod,
}

func TestSARIFURIs(t *testing.T) {
	var buf bytes.Buffer
	if err := (SARIFPrinter{}).Print(&buf, sampleResult()); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		`"uri": "app/objects/a%2Cb%3Ac.ts"`, `"uri": "file:///elsewhere/x.ts"`, `"uri": "app/routes/%5Bid%5D/route.ts"`,
		`"startColumn": 16`, `"endColumn": 35`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("SARIF lacks %s", want)
		}
	}
}

func TestGitHubEscaping(t *testing.T) {
	var buf bytes.Buffer
	if err := (GitHubPrinter{}).Print(&buf, sampleResult()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(buf.String(), "\n")
	want := []string{
		"::error file=app/objects/a%2Cb%3Ac.ts,line=3,col=16,endLine=3,endColumn=35,title=DUPLICATE_NAME::100%25 wrong%0Asecond line%0Dend%0Aapp/objects/other.ts:1:1: also here",
		"::notice file=/elsewhere/x.ts,line=1,col=1,endLine=1,endColumn=1,title=NOT_ANALYZABLE::spread",
		"::warning file=app/routes/[id]/route.ts,line=1,col=4,endLine=1,endColumn=8,title=NO_INIT::héllo 😀",
		"1 error, 1 warning, 1 info in 3 files (2 objects)",
	}
	for i, w := range want {
		if lines[i] != w {
			t.Errorf("line %d:\n got %s\nwant %s", i, lines[i], w)
		}
	}
}

func TestHumanFormat(t *testing.T) {
	var buf bytes.Buffer
	if err := (HumanPrinter{}).Print(&buf, sampleResult()); err != nil {
		t.Fatal(err)
	}
	// One line per finding: control characters in a message are printed escaped.
	want := "app/objects/a,b:c.ts:3:16: error DUPLICATE_NAME: 100% wrong\\nsecond line\\rend\n" +
		"\tapp/objects/other.ts:1:1: also here\n" +
		"/elsewhere/x.ts:1:1: info NOT_ANALYZABLE: spread\n" +
		"app/routes/[id]/route.ts:1:4: warning NO_INIT: héllo 😀\n" +
		"1 error, 1 warning, 1 info in 3 files (2 objects)\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestJSONShape(t *testing.T) {
	var buf bytes.Buffer
	if err := (JSONPrinter{}).Print(&buf, &Result{Base: "/w"}); err != nil {
		t.Fatal(err)
	}
	var rep map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if d, ok := rep["diagnostics"].([]any); !ok || len(d) != 0 {
		t.Errorf("diagnostics must be [] when clean, got %#v", rep["diagnostics"])
	}
	if rep["version"] != float64(JSONVersion) {
		t.Errorf("version %v", rep["version"])
	}
	buf.Reset()
	if err := (JSONPrinter{}).Print(&buf, sampleResult()); err != nil {
		t.Fatal(err)
	}
	var full jsonReport
	if err := json.Unmarshal(buf.Bytes(), &full); err != nil {
		t.Fatal(err)
	}
	d := full.Diagnostics[0]
	if d.Path != "app/objects/a,b:c.ts" || d.Range.Start != (jsonPos{3, 16, 40}) || d.Related[0].Path != "app/objects/other.ts" || full.Summary.Errors != 1 {
		t.Errorf("diagnostic %+v", d)
	}
}

// TestJSONSharedFix: a fix copied into many findings (the planned wrangler edit)
// is written once and referenced by index, so the report grows linearly with
// the findings; distinct fixes stay distinct.
func TestJSONSharedFix(t *testing.T) {
	shared := Fix{Title: "Update wrangler.toml", Preferred: true,
		Edits: []TextEdit{{Path: "/w/wrangler.toml", NewText: strings.Repeat("[[durable_objects.bindings]]\n", 2000)}}}
	res := func(n int) *Result {
		r := &Result{Base: "/w"}
		for i := range n {
			own := Fix{Title: "Rename file", Renames: []FileRename{{From: fmt.Sprintf("/w/a%d.ts", i), To: fmt.Sprintf("/w/b%d.ts", i)}}}
			r.Diagnostics = append(r.Diagnostics,
				Diagnostic{Code: BindingMissing, Severity: Error, Path: fmt.Sprintf("/w/a%d.ts", i), Fixes: []Fix{shared, own}},
				Diagnostic{Code: MigrationMissing, Severity: Error, Path: fmt.Sprintf("/w/a%d.ts", i), Fixes: []Fix{shared}})
		}
		return r
	}
	print := func(r *Result) (jsonReport, int) {
		var buf bytes.Buffer
		if err := (JSONPrinter{}).Print(&buf, r); err != nil {
			t.Fatal(err)
		}
		var rep jsonReport
		if err := json.Unmarshal(buf.Bytes(), &rep); err != nil {
			t.Fatal(err)
		}
		return rep, buf.Len()
	}
	rep, small := print(res(10))
	if len(rep.Fixes) != 11 {
		t.Fatalf("%d fixes, want the shared one and 10 renames", len(rep.Fixes))
	}
	for i, f := range rep.Fixes {
		if f.ID != i {
			t.Errorf("fix %d has id %d", i, f.ID)
		}
	}
	for i, d := range rep.Diagnostics {
		if d.Fixes[0] != 0 || rep.Fixes[0].Edits[0].NewText != shared.Edits[0].NewText {
			t.Errorf("diagnostic %d: fixes %v do not reference the shared fix first", i, d.Fixes)
		}
		if i%2 == 0 && (len(d.Fixes) != 2 || rep.Fixes[d.Fixes[1]].Renames[0].From != fmt.Sprintf("a%d.ts", i/2)) {
			t.Errorf("diagnostic %d: own fix %v", i, d.Fixes)
		}
	}
	// The shared text is about 58 KB. Written per finding, 200 findings would
	// take 200 copies; written once, the rest grows with the findings alone.
	text := len(shared.Edits[0].NewText)
	if _, large := print(res(100)); large-text > 12*(small-text) {
		t.Errorf("report of 200 findings is %d bytes, of 20 findings %d (shared text %d): not linear in the findings", large, small, text)
	}
}

func TestNewPrinter(t *testing.T) {
	for _, f := range Formats {
		if _, err := NewPrinter(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if _, err := NewPrinter("xml"); err == nil {
		t.Error("xml accepted")
	}
}
