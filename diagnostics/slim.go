// This file lets `check` run an object's per-file rules in the extraction
// worker, while its facts are at hand, and keep only a slim definition for the
// rest of the run: the context and parameter uses (a third of the memory of a
// 10,000-object app) are read by the per-file rules alone. The language server
// slims the objects of every app it loads the same way. The findings are filed
// in the slim definition itself (analysis.Definition.SetRuleMemo), which
// ObjectFindings answers from; they go when the definition goes.

package diagnostics

import (
	"slices"

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

// slimMemo is the rule memo of a slim definition: its per-file findings (a
// struct, so that no findings still marks the definition as slimmed).
type slimMemo struct{ findings []Diagnostic }

// SlimDefinition runs the per-file object rules on e and returns a copy of its
// definition without the facts only they read, with the findings filed in that
// copy (check's analysis.LoadOptions.Slim; the server slims each loaded app).
// An object whose findings depend on the rest of the app (a rename fix that
// needs the other names; SQL in a class the wrangler file may have created
// KV-backed) keeps its full definition and is checked with the app like any
// other.
func SlimDefinition(e *analysis.Entry) *analysis.Definition {
	if e.Def == nil {
		return nil
	}
	if _, ok := e.Def.RuleMemo().(slimMemo); ok {
		return e.Def // already slim
	}
	v := &appView{detached: true}
	out := objectFindings(v, e)
	if v.asked {
		return e.Def
	}
	slim := *e.Def
	slim.ContextUses, slim.ParamUses = nil, nil
	slim.SetRuleMemo(slimMemo{out})
	return &slim
}

// slimFindings returns the findings filed in a slim definition.
func slimFindings(d *analysis.Definition) ([]Diagnostic, bool) {
	if d == nil {
		return nil, false
	}
	m, ok := d.RuleMemo().(slimMemo)
	if !ok {
		return nil, false
	}
	return slices.Clone(m.findings), true
}
