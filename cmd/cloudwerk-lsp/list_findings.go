// This file gives `list` the findings of each object file (what makes a row
// invalid or duplicate) and renders the manifest shape of Cloudwerk's
// `cloudwerk objects list --format json`, filled from the files themselves.

package main

import (
	"path/filepath"
	"time"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/codegen"
	"github.com/cloudwerk/cloudwerk-lsp/diagnostics"
)

// findingJSON is one finding on an object file in `list --json`.
type findingJSON struct {
	Code     string `json:"code"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	Line     int    `json:"line"`   // 1-based
	Column   int    `json:"column"` // 1-based, UTF-16
}

// listObjects summarizes every object of app with the findings on its file.
func listObjects(app *analysis.App) []objectSummary {
	out := []objectSummary{}
	if app.Manifest == nil {
		return out
	}
	byPath := map[string][]diagnostics.Diagnostic{}
	for _, d := range diagnostics.Analyze(app, diagnostics.Options{}) {
		if !d.Mirror {
			byPath[d.Path] = append(byPath[d.Path], d)
		}
	}
	for _, e := range app.Manifest.Entries {
		s := summarize(e)
		for _, d := range byPath[e.Path] {
			s.Findings = append(s.Findings, findingJSON{Code: string(d.Code), Severity: d.Severity.String(), Message: d.Message,
				Line: int(d.Range.Start.Line) + 1, Column: int(d.Range.Start.Col16) + 1})
			if d.Code == diagnostics.DuplicateName {
				s.Status = "duplicate"
			} else if d.Severity == diagnostics.Error && s.Status == "ok" && objectDefinitionCode(d.Code) {
				s.Status = "invalid"
			}
		}
		out = append(out, s)
	}
	return out
}

// objectDefinitionCode reports codes about the definition itself (not its
// wrangler drift, which generate fixes).
func objectDefinitionCode(c diagnostics.Code) bool {
	switch c {
	case diagnostics.BindingMissing, diagnostics.BindingMismatch, diagnostics.MigrationMissing, diagnostics.StorageChanged, diagnostics.GeneratedStale:
		return false
	}
	return true
}

// cloudwerkEntry is one element of the manifest's durableObjects, as Cloudwerk
// names its fields (packages/core durable-object-compiler's DurableObjectEntry).
type cloudwerkEntry struct {
	Name          string   `json:"name"`
	BindingName   string   `json:"bindingName"`
	ClassName     string   `json:"className"`
	FilePath      string   `json:"filePath"` // relative to the objects folder, as Cloudwerk's scanner gives it
	AbsolutePath  string   `json:"absolutePath"`
	GeneratedPath string   `json:"generatedPath"`
	SQLite        bool     `json:"sqlite"`
	HasFetch      bool     `json:"hasFetch"`
	HasWebSocket  bool     `json:"hasWebSocket"`
	HasAlarm      bool     `json:"hasAlarm"`
	MethodNames   []string `json:"methodNames"`
}

// cloudwerkIssue is one element of the manifest's errors or warnings.
type cloudwerkIssue struct {
	File    string `json:"file"`
	Message string `json:"message"`
	Code    string `json:"code"`
}

type cloudwerkManifestJSON struct {
	DurableObjects []cloudwerkEntry `json:"durableObjects"`
	Errors         []cloudwerkIssue `json:"errors"`
	Warnings       []cloudwerkIssue `json:"warnings"`
	GeneratedAt    string           `json:"generatedAt"`
	RootDir        string           `json:"rootDir"`
}

// cloudwerkManifest builds the manifest: invalid and duplicate objects go to
// errors only (Cloudwerk: "object won't be registered"); warnings are kept.
func cloudwerkManifest(app *analysis.App, now time.Time) cloudwerkManifestJSON {
	m := cloudwerkManifestJSON{DurableObjects: []cloudwerkEntry{}, Errors: []cloudwerkIssue{}, Warnings: []cloudwerkIssue{},
		GeneratedAt: now.UTC().Format("2006-01-02T15:04:05.000Z"), RootDir: filepath.Join(app.Root, app.Config.AppDir)}
	for _, s := range listObjectsWithEntries(app) {
		e, sum := s.entry, s.summary
		file := filepath.ToSlash(relOr(app.ObjectsDir, e.Path))
		for _, f := range sum.Findings {
			if !objectDefinitionCode(diagnostics.Code(f.Code)) {
				continue // wrangler drift: generate's business, not the definition's
			}
			switch f.Severity {
			case "error":
				m.Errors = append(m.Errors, cloudwerkIssue{File: file, Message: f.Message, Code: f.Code})
			case "warning":
				m.Warnings = append(m.Warnings, cloudwerkIssue{File: file, Message: f.Message, Code: f.Code})
			}
		}
		if sum.Status != "ok" {
			continue
		}
		ce := cloudwerkEntry{Name: e.ObjectName, BindingName: e.BindingName, ClassName: e.ClassName, FilePath: file, AbsolutePath: e.Path,
			GeneratedPath: filepath.ToSlash(filepath.Join(codegen.ClassesDir, e.ClassName+".ts")), SQLite: sum.Storage == "sqlite", MethodNames: []string{}}
		for _, h := range sum.Handlers {
			switch h {
			case "fetch":
				ce.HasFetch = true
			case "alarm":
				ce.HasAlarm = true
			default:
				ce.HasWebSocket = true
			}
		}
		for _, meth := range sum.Methods {
			ce.MethodNames = append(ce.MethodNames, meth.Name)
		}
		m.DurableObjects = append(m.DurableObjects, ce)
	}
	return m
}

type entrySummary struct {
	entry   *analysis.Entry
	summary objectSummary
}

// listObjectsWithEntries pairs listObjects' rows with their entries.
func listObjectsWithEntries(app *analysis.App) []entrySummary {
	rows := listObjects(app)
	out := make([]entrySummary, len(rows))
	for i, e := range app.Manifest.Entries {
		out[i] = entrySummary{e, rows[i]}
	}
	return out
}

func relOr(base, p string) string {
	if r, err := filepath.Rel(base, p); err == nil {
		return r
	}
	return p
}
