// This file defines the JSON format. Its shape is stable (fields are only ever
// added; "version" changes on anything else):
//
//	{
//	  "version": 2,
//	  "tool": {"name": "cloudwerk-lsp", "version": "0.1.0"},
//	  "summary": {"errors": 0, "warnings": 0, "infos": 0, "hints": 0, "files": 0, "objects": 0},
//	  "apps": [{"root": "path", "objects": 0, "files": 0}],
//	  "diagnostics": [{
//	    "code": "INVALID_NAME", "severity": "error", "path": "app/objects/x.ts",
//	    "range": {"start": {"line": 1, "column": 1, "offset": 0}, "end": {...}},
//	    "message": "...",
//	    "related": [{"path": "...", "range": {...}, "message": "..."}],
//	    "fixes": [0]
//	  }],
//	  "fixes": [{"id": 0, "title": "...", "preferred": true,
//	             "edits": [{"path": "...", "range": {...}, "newText": "..."}],
//	             "renames": [{"from": "...", "to": "..."}], "command": "..."}]
//	}
//
// A diagnostic's "fixes" are indexes into the report's "fixes" (each fix's
// "id" is its index): a fix shared by many findings, such as the wrangler edit
// that adds every missing binding and migration, is written once, so the report
// grows linearly with the findings (version 1 repeated it inside each finding).
//
// Paths are relative to the working directory when below it (forward slashes),
// else absolute. line and column are 1-based, column in UTF-16 code units (as
// LSP and SARIF count); offset is the 0-based byte offset. Arrays are never null.

package diagnostics

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unsafe"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

// JSONVersion is the version of the JSON shape.
const JSONVersion = 2

// JSONPrinter writes the result as one indented JSON document.
type JSONPrinter struct{}

type jsonPos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Offset int `json:"offset"`
}

type jsonRange struct {
	Start jsonPos `json:"start"`
	End   jsonPos `json:"end"`
}

type jsonRelated struct {
	Path    string    `json:"path"`
	Range   jsonRange `json:"range"`
	Message string    `json:"message"`
}

type jsonEdit struct {
	Path    string    `json:"path"`
	Range   jsonRange `json:"range"`
	NewText string    `json:"newText"`
}

type jsonRename struct {
	From string `json:"from"`
	To   string `json:"to"`
}

type jsonFix struct {
	ID        int          `json:"id"`
	Title     string       `json:"title"`
	Preferred bool         `json:"preferred"`
	Edits     []jsonEdit   `json:"edits"`
	Renames   []jsonRename `json:"renames"`
	Command   string       `json:"command,omitempty"`
	Args      []string     `json:"args,omitempty"`
}

type jsonDiagnostic struct {
	Code     Code          `json:"code"`
	Severity string        `json:"severity"`
	Path     string        `json:"path"`
	Range    jsonRange     `json:"range"`
	Message  string        `json:"message"`
	Related  []jsonRelated `json:"related"`
	Fixes    []int         `json:"fixes"`
}

type jsonApp struct {
	Root    string `json:"root"`
	Objects int    `json:"objects"`
	Files   int    `json:"files"`
}

type jsonSummary struct {
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Infos    int `json:"infos"`
	Hints    int `json:"hints"`
	Files    int `json:"files"`
	Objects  int `json:"objects"`
}

type jsonTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type jsonReport struct {
	Version     int              `json:"version"`
	Tool        jsonTool         `json:"tool"`
	Summary     jsonSummary      `json:"summary"`
	Apps        []jsonApp        `json:"apps"`
	Diagnostics []jsonDiagnostic `json:"diagnostics"`
	Fixes       []jsonFix        `json:"fixes"`
}

func (JSONPrinter) Print(w io.Writer, r *Result) error {
	rel := func(p string) string { return relPath(r.Base, p) }
	rng := func(x analysis.Range) jsonRange {
		pos := func(p analysis.Pos) jsonPos { return jsonPos{line1(p.Line), col1(p.Col16), int(p.Offset)} }
		return jsonRange{pos(x.Start), pos(x.End)}
	}
	rep := jsonReport{
		Version: JSONVersion,
		Tool:    jsonTool{"cloudwerk-lsp", analysis.Version},
		Summary: jsonSummary{r.Count(Error), r.Count(Warning), r.Count(Info), r.Count(Hint), r.Files, r.Objects},
		Apps:    []jsonApp{}, Diagnostics: []jsonDiagnostic{}, Fixes: []jsonFix{},
	}
	for _, a := range r.Apps {
		rep.Apps = append(rep.Apps, jsonApp{rel(a.Root), a.Objects, a.Files})
	}
	fixIDs := map[string]int{}
	fixID := func(f Fix) int {
		key := fixKey(f)
		if id, ok := fixIDs[key]; ok {
			return id
		}
		id := len(rep.Fixes)
		fixIDs[key] = id
		jf := jsonFix{ID: id, Title: f.Title, Preferred: f.Preferred, Edits: []jsonEdit{}, Renames: []jsonRename{}, Command: f.Command, Args: f.Args}
		for _, e := range f.Edits {
			jf.Edits = append(jf.Edits, jsonEdit{rel(e.Path), rng(e.Range), e.NewText})
		}
		for _, rn := range f.Renames {
			jf.Renames = append(jf.Renames, jsonRename{rel(rn.From), rel(rn.To)})
		}
		rep.Fixes = append(rep.Fixes, jf)
		return id
	}
	for _, d := range r.Diagnostics {
		jd := jsonDiagnostic{Code: d.Code, Severity: d.Severity.String(), Path: rel(d.Path), Range: rng(d.Range),
			Message: d.Message, Related: []jsonRelated{}, Fixes: []int{}}
		for _, x := range d.Related {
			jd.Related = append(jd.Related, jsonRelated{rel(x.Path), rng(x.Range), x.Message})
		}
		for _, f := range d.Fixes {
			jd.Fixes = append(jd.Fixes, fixID(f))
		}
		rep.Diagnostics = append(rep.Diagnostics, jd)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rep); err != nil {
		return err
	}
	return bw.Flush()
}

// fixKey identifies a fix for sharing. An edit's replacement text is keyed by
// the identity of its string, not its content: a shared fix is one value copied
// into many findings (the same string), and hashing a whole planned wrangler
// file once per finding would bring back the cost sharing removes. Equal text
// in different strings is merely written twice.
func fixKey(f Fix) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%q %t %q %q", f.Title, f.Preferred, f.Command, f.Args)
	for _, e := range f.Edits {
		fmt.Fprintf(&b, " e%q %d-%d %p:%d", e.Path, e.Range.Start.Offset, e.Range.End.Offset, unsafe.StringData(e.NewText), len(e.NewText))
	}
	for _, rn := range f.Renames {
		fmt.Fprintf(&b, " r%q %q", rn.From, rn.To)
	}
	return b.String()
}
