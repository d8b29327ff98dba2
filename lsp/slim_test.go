package lsp

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/diagnostics"
	"github.com/cloudwerk/cloudwerk-lsp/internal/testutil"
)

// TestLoadedAppFindingsEqualFull: the server slims every object of the apps
// it loads (cold, and warm from the on-disk cache); the whole-app findings of
// the slim app must be exactly those of the fully loaded one, for the demo app
// and every app of the diagnostics corpus and check fixtures.
func TestLoadedAppFindingsEqualFull(t *testing.T) {
	apps := map[string]string{"demo-app": filepath.Join("..", "examples", "demo-app")}
	for _, pattern := range []string{"corpus", "check"} {
		files, _ := filepath.Glob(filepath.Join("..", "diagnostics", "testdata", pattern, "*.txtar"))
		if len(files) == 0 {
			t.Fatalf("no %s archives", pattern)
		}
		for _, file := range files {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			testutil.WriteArchive(t, dir, ar, nil)
			apps[pattern+"/"+filepath.Base(file)] = dir
		}
	}
	slimmed := 0
	for name, root := range apps {
		t.Setenv(analysis.CacheEnv, t.TempDir())
		cold := loadApp(root, nil) // extracted: slimmed in the load's workers
		full, err := analysis.LoadApp(root)
		if err != nil {
			t.Fatal(err)
		}
		want := diagnostics.Analyze(full, diagnostics.Options{})
		for run, app := range map[string]*analysis.App{"cold": cold, "warm": loadApp(root, nil)} {
			if got := diagnostics.Analyze(app, diagnostics.Options{}); !reflect.DeepEqual(got, want) {
				t.Errorf("%s (%s): the slim app's findings differ:\n got %v\nwant %v", name, run, got, want)
			}
			for _, e := range app.Manifest.Entries {
				if e.Def != nil && e.Def.RuleMemo() != nil {
					slimmed++
				}
			}
		}
	}
	if slimmed == 0 {
		t.Error("no definition was slimmed")
	}
}

// TestDiskChangeKeepsSlimFindings: a closed object file changed on disk is
// re-extracted, compacted and slimmed; its findings are those of the full
// definition (here with new SQL and context findings the change adds).
func TestDiskChangeKeepsSlimFindings(t *testing.T) {
	t.Setenv(analysis.CacheEnv, "off")
	root := t.TempDir()
	if err := os.CopyFS(root, os.DirFS(filepath.Join("..", "examples", "demo-app"))); err != nil {
		t.Fatal(err)
	}
	app := loadApp(root, nil)
	changedSlim := 0
	s := &snapshot{folders: []string{root}, apps: []*appState{{app: app}}, open: map[string]*openFile{}}
	for _, e := range app.Manifest.Entries {
		src, err := os.ReadFile(e.Path)
		if err != nil {
			t.Fatal(err)
		}
		// A method that runs SQL through a KV handle and reads an unknown member.
		changed := strings.Replace(string(src), "methods: {", "methods: {\n    zz() { this.ctx.sql.run('x'); return this.ctx.nope },", 1)
		n, _ := s.withContent(e.Path, []byte(changed))
		got := n.appFor(e.Path).entry(e.Path)
		if changed != string(src) && got.Def.RuleMemo() != nil {
			changedSlim++
		}
		full := analysis.NewEntry(e.Path, analysis.ExtractDefinition(e.Path, []byte(changed)))
		if want, have := diagnostics.FileFindings(n.appFor(e.Path).app, full, nil), diagnostics.FileFindings(n.appFor(e.Path).app, got, nil); !reflect.DeepEqual(have, want) {
			t.Errorf("%s: findings after the change differ:\n got %v\nwant %v", filepath.Base(e.Path), have, want)
		}
	}
	if changedSlim == 0 {
		t.Error("no changed file was slimmed")
	}
}
