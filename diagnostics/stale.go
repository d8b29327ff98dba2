// This file defines GENERATED_STALE: a generated types or classes file that
// differs from what `generate` would write now. The wrangler config has its own
// rules (drift.go), so only types and classes are compared here.
//
// Where findings land: a stale or leftover file gets the finding itself; a missing
// class file lands on its object's file (the file to look at); any other missing
// file on its own path. An app with no generated output at all gets nothing: it
// has not adopted `generate` yet (Cloudwerk's own CLI may generate elsewhere), and
// a missing file is only stale next to files that exist.

package diagnostics

import (
	"path/filepath"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/safefs"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/textpos"
	"github.com/cloudwerk/cloudwerk-lsp/codegen"
)

// GenerateCommand is the server command that regenerates files (also the VS Code command).
const GenerateCommand = "cloudwerk.generate"

// generatedFindings reports generated files that differ from what generate would write now.
func generatedFindings(app *analysis.App) []Diagnostic {
	if app == nil || app.Root == "" || !hasGeneratedOutput(app.Root) {
		return nil
	}
	changes, err := codegen.Plan(app, codegen.Options{Targets: codegen.TargetTypes | codegen.TargetClasses})
	if err != nil {
		return nil // Plan only fails reading files; FILE_UNREADABLE-style problems surface elsewhere
	}
	byClassFile := map[string]*analysis.Entry{}
	for _, e := range codegen.Objects(app) {
		byClassFile[filepath.Join(app.Root, codegen.ClassesDir, e.ClassName+".ts")] = e
	}
	fix := Fix{
		Title:     "Regenerate types and classes (cloudwerk-lsp generate)",
		Preferred: true,
		Command:   GenerateCommand,
		Args:      []string{app.Root, "types,classes"},
	}
	var out []Diagnostic
	for _, c := range changes {
		rel := relPath(app.Root, c.Path)
		d := Diagnostic{Code: GeneratedStale, Severity: Warning, Path: c.Path, Fixes: []Fix{fix}}
		switch {
		case c.Delete:
			d.Message = rel + " was generated for an object that no longer exists; run `cloudwerk-lsp generate` to remove it"
		case c.Exists:
			d.Message = rel + " differs from what `cloudwerk-lsp generate` would write now (object definitions changed, or the file was edited)"
			d.Range = firstLine(c.Old)
		case byClassFile[c.Path] != nil:
			e := byClassFile[c.Path]
			d.Path = e.Path
			if e.Def != nil {
				d.Range = e.Def.ExportAt
			}
			d.Message = "the generated class " + e.ClassName + " (" + rel + ") is missing; run `cloudwerk-lsp generate`"
		default:
			d.Message = rel + " is missing; run `cloudwerk-lsp generate`"
		}
		out = append(out, d)
	}
	return out
}

// hasGeneratedOutput reports whether generate has run for the app before.
func hasGeneratedOutput(root string) bool {
	for _, p := range []string{codegen.TypesFile, codegen.ClassesDir} {
		if _, err := safefs.Stat(filepath.Join(root, filepath.FromSlash(p))); err == nil {
			return true
		}
	}
	return false
}

// firstLine is the range of the first line of content (the generated banner).
func firstLine(content []byte) analysis.Range {
	end := 0
	for end < len(content) && content[end] != '\n' && content[end] != '\r' {
		end++
	}
	return analysis.Range{End: textpos.MakePos(end, 0, textpos.UTF16Len(content[:end]))}
}
