// This file lets `check` run an object's per-file rules in the extraction
// worker, while its facts are at hand, and keep only a slim definition for the
// rest of the run: the context and parameter uses (a third of the memory of a
// 10,000-object app) are read by the per-file rules alone. The findings wait in
// a table keyed by the slim definition, which ObjectFindings answers from.

package diagnostics

import (
	"slices"
	"sync"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

// appView is what the object rules see of the rest of the app. A detached
// view (check's extraction workers: the app is not complete yet) has no app;
// a rule that asks for it marks the findings as depending on it.
type appView struct {
	app      *analysis.App
	detached bool
	asked    bool
}

func (v *appView) get() *analysis.App {
	if v.detached {
		v.asked = true
	}
	return v.app
}

// slimmed maps each slim definition to the per-file findings of its full one.
var slimmed sync.Map // *analysis.Definition -> []Diagnostic

// slimDefinition is check's analysis.LoadOptions.Slim: it runs the per-file
// object rules on e and returns a copy of its definition without the facts
// only they read, with the findings filed under that copy. An object whose
// findings depend on the rest of the app (a rename fix that needs the other
// names; SQL in a class the wrangler file may have created KV-backed) keeps its
// full definition and is checked with the app like any other.
func slimDefinition(e *analysis.Entry) *analysis.Definition {
	if e.Def == nil {
		return nil
	}
	v := &appView{detached: true}
	out := objectFindings(v, e)
	if v.asked {
		return e.Def
	}
	slim := *e.Def
	slim.ContextUses, slim.ParamUses = nil, nil
	slimmed.Store(&slim, out)
	return &slim
}

// slimFindings returns the findings filed for a slim definition.
func slimFindings(d *analysis.Definition) ([]Diagnostic, bool) {
	if d == nil {
		return nil, false
	}
	out, ok := slimmed.Load(d)
	if !ok {
		return nil, false
	}
	return slices.Clone(out.([]Diagnostic)), true
}

// forgetSlim drops the findings filed for app's definitions once the app is checked.
func forgetSlim(app *analysis.App) {
	if app == nil || app.Manifest == nil {
		return
	}
	for _, e := range app.Manifest.Entries {
		slimmed.Delete(e.Def)
	}
}
