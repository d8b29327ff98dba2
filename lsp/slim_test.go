package lsp

import (
	"path/filepath"
	"reflect"
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
