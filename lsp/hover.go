// This file defines hover: an object's binding, class, storage, methods with
// their signatures and migration status, or one method's signature; on code that
// fails at run time, why it fails.

package lsp

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/diagnostics"
)

// Hover describes the object or method under the cursor.
func (s *Server) Hover(ctx context.Context, params *protocol.HoverParams) (*protocol.Hover, error) {
	snap := s.snap.Load()
	if h := s.runtimeHover(snap, params.TextDocument.URI, params.Position); h != nil {
		return h, nil
	}
	t, err := snap.at(params.TextDocument.URI, params.Position)
	if t == nil || err != nil {
		return nil, err
	}
	var b strings.Builder
	if t.method != nil {
		fmt.Fprintf(&b, "```ts\n(method) %s.%s\n```\n\n", t.entry.ClassName, t.method.Signature())
	}
	describeObject(&b, t.app, t.entry)
	r := toProtoRange(t.at)
	return &protocol.Hover{Contents: &protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: b.String()}, Range: &r}, nil
}

// at resolves an LSP position in the document u.
func (s *snapshot) at(u uri.URI, pos protocol.Position) (*target, error) {
	path, ok := uriToPath(u)
	if !ok {
		return nil, nil
	}
	text, ok, err := s.textOf(path)
	if !ok {
		return nil, err
	}
	off, err := offsetAt(text, pos)
	if err != nil {
		return nil, nil
	}
	return s.resolve(path, off), nil
}

// describeObject writes the markdown summary of one object.
func describeObject(b *strings.Builder, a *appState, e *analysis.Entry) {
	fmt.Fprintf(b, "**%s** — durable object `%s`\n\n", e.ClassName, e.ObjectName)
	fmt.Fprintf(b, "- binding: `%s`\n- class: `%s`\n", e.BindingName, e.ClassName)
	fmt.Fprintf(b, "- storage: %s\n", storageOf(e))
	fmt.Fprintf(b, "- migration: %s\n", migrationStatus(a, e))
	if rel, err := filepath.Rel(a.app.Root, e.Path); err == nil {
		fmt.Fprintf(b, "- file: `%s`\n", filepath.ToSlash(rel))
	}
	if e.Def != nil && len(e.Def.Methods) > 0 {
		b.WriteString("\n```ts\n")
		for i := range e.Def.Methods {
			b.WriteString(e.Def.Methods[i].Signature().String() + "\n")
		}
		b.WriteString("```\n")
	}
}

// storageOf says how the object's class is (or will be) backed.
func storageOf(e *analysis.Entry) string { return analysis.StorageLabel(e.Def.SQLite()) }

// migrationStatus says whether the wrangler ledger creates the object's class.
func migrationStatus(a *appState, e *analysis.Entry) string {
	w := a.app.Wrangler
	if w == nil {
		return "no wrangler config"
	}
	if !w.Parsed() {
		return "wrangler config does not parse"
	}
	live := w.Ledger().Live[e.ClassName]
	if live == nil {
		return "not migrated yet"
	}
	return fmt.Sprintf("migrated %s (%s)", live.CreatedBy, analysis.StorageLabel(live.SQLite))
}

// runtimeCodes are the findings whose hover explains the run-time failure.
var runtimeCodes = map[diagnostics.Code]bool{
	diagnostics.DefineNotImported: true, diagnostics.SQLAPI: true, diagnostics.SQLWithoutSqlite: true,
	diagnostics.UnknownContextMember: true, diagnostics.HandlerParams: true,
	diagnostics.UnknownNamespaceMember: true, diagnostics.StubID: true, diagnostics.RPCArgs: true,
}

// runtimeHover explains a run-time finding under the cursor, computed from the
// file's own rules (so it does not wait for a diagnostics pass).
func (s *Server) runtimeHover(snap *snapshot, u uri.URI, pos protocol.Position) *protocol.Hover {
	path, ok := uriToPath(u)
	if !ok {
		return nil
	}
	a := snap.appFor(path)
	if a == nil {
		return nil
	}
	text, ok, _ := snap.textOf(path) // an unreadable file is answered by at
	if !ok {
		return nil
	}
	off, err := offsetAt(text, pos)
	if err != nil {
		return nil
	}
	e, rf := a.entry(path), a.route(path)
	if e == nil && rf == nil {
		return nil
	}
	findings := diagnostics.ApplySeverity(diagnostics.FileFindings(a.app, e, rf), s.diagOpts.Severity)
	for _, d := range findings {
		if !runtimeCodes[d.Code] || off < int(d.Range.Start.Offset) || off > int(d.Range.End.Offset) {
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "**%s** — %s\n\n%s", d.Code, diagnostics.RuleFor(d.Code).Short, d.Message)
		if len(d.Fixes) > 0 {
			fmt.Fprintf(&b, "\n\nQuick fix: %s", d.Fixes[0].Title)
		}
		r := toProtoRange(d.Range)
		return &protocol.Hover{Contents: &protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: b.String()}, Range: &r}
	}
	return nil
}
