package diagnostics

import (
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"golang.org/x/tools/txtar"
)

// wantRe matches the expectation comments of the corpus: `// want: CODE CODE`
// on the line a finding starts, `// miss: why` on a line that fails at run time
// without a finding.
var (
	wantRe = regexp.MustCompile(`// want: ([A-Z_ ]+)`)
	missRe = regexp.MustCompile(`// miss: `)
)

// TestRuntimeCorpus checks every testdata/corpus/*.txtar app (objects and routes
// written the way Cloudwerk's README, JSDoc, guides and tests write them): the
// findings must be exactly the `// want:` comments, so files without one (the
// correct code) get none at all, of any severity. It logs the counts the issue
// asks for: findings, true and false positives, and the known silent misses.
func TestRuntimeCorpus(t *testing.T) {
	t.Setenv("CLOUDWERK_LSP_CACHE", "off")
	files, _ := filepath.Glob("testdata/corpus/*.txtar")
	if len(files) == 0 {
		t.Fatal("no corpus")
	}
	var objects, routes, findings, truePos, falsePos, missing, silent int
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		writeArchive(t, ar, dir)
		want := map[string]bool{}
		for _, f := range ar.Files {
			if strings.Contains(f.Name, "/objects/") {
				objects++
			} else if strings.Contains(f.Name, "/routes/") {
				routes++
			}
			for i, line := range strings.Split(string(f.Data), "\n") {
				if m := wantRe.FindStringSubmatch(line); m != nil {
					for _, code := range strings.Fields(m[1]) {
						want[fmt.Sprintf("%s:%d %s", f.Name, i+1, code)] = true
					}
				}
				if missRe.MatchString(line) {
					silent++
				}
			}
		}
		app, err := analysis.LoadApp(dir)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]Diagnostic{}
		for _, d := range Analyze(app, Options{Severity: othersOff}) {
			rel, _ := filepath.Rel(dir, d.Path)
			got[fmt.Sprintf("%s:%d %s", filepath.ToSlash(rel), d.Range.Start.Line+1, d.Code)] = d
		}
		findings += len(got)
		var problems []string
		for k, d := range got {
			if want[k] {
				truePos++
				continue
			}
			falsePos++
			problems = append(problems, "unexpected "+k+": "+d.Message)
		}
		for k := range want {
			if _, ok := got[k]; !ok {
				missing++
				problems = append(problems, "missing "+k)
			}
		}
		sort.Strings(problems)
		for _, p := range problems {
			t.Errorf("%s: %s", filepath.Base(file), p)
		}
	}
	if objects < 40 || routes < 10 {
		t.Errorf("corpus has %d object files and %d route files; want at least 40 and 10", objects, routes)
	}
	t.Logf("corpus: %d object files, %d route files; %d findings: %d true, %d false, %d expected but missing; %d known silent misses",
		objects, routes, findings, truePos, falsePos, missing, silent)
}
