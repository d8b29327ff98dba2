// This file defines incremental text synchronisation: didOpen, didChange
// (UTF-16 ranges converted once to byte offsets), didClose and didSave.
package lsp

import (
	"context"
	"os"
	"strings"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

// DidOpen makes the editor's text authoritative for the file.
func (s *Server) DidOpen(ctx context.Context, params *protocol.DidOpenTextDocumentParams) error {
	path, ok := uriToPath(params.TextDocument.URI)
	if !ok {
		return nil
	}
	text := strings.Clone(params.TextDocument.Text)
	var ch change
	s.mu.Lock()
	s.docs[path] = &docState{text: text}
	s.updateLocked(func(cur *snapshot) *snapshot {
		n := cur.withOpen(&openFile{uri: params.TextDocument.URI, path: path, version: params.TextDocument.Version, text: text})
		n, ch = n.withContent(path, []byte(text))
		return n
	})
	s.mu.Unlock()
	s.log.Debug("didOpen", zap.String("uri", string(params.TextDocument.URI)), zap.Int32("version", params.TextDocument.Version))
	s.diag.scheduleOpen(ch, path)
	return nil
}

// DidChange applies the edits in order. An edit whose range does not fit the
// document is reported to the client and skipped, together with the edits after
// it, so the document never holds a half-applied change.
func (s *Server) DidChange(ctx context.Context, params *protocol.DidChangeTextDocumentParams) error {
	path, ok := uriToPath(params.TextDocument.URI)
	if !ok {
		return nil
	}
	var ch change
	var badEdit error
	s.mu.Lock()
	doc := s.docs[path]
	if doc == nil {
		s.mu.Unlock()
		s.logToClient(protocol.MessageTypeWarning, "cloudwerk: didChange for %s, which is not open", params.TextDocument.URI)
		return nil
	}
	text := doc.text
	for i, c := range params.ContentChanges {
		switch c := c.(type) {
		case *protocol.TextDocumentContentChangeWholeDocument:
			text = strings.Clone(c.Text)
		case *protocol.TextDocumentContentChangePartial:
			start, end, err := rangeToOffsets(text, c.Range)
			if err != nil {
				badEdit = err
				s.log.Warn("out-of-range edit", zap.String("uri", string(params.TextDocument.URI)), zap.Int("change", i), zap.Error(err))
				break
			}
			text = text[:start] + c.Text + text[end:]
		}
		if badEdit != nil {
			break
		}
	}
	doc.text = text
	s.updateLocked(func(cur *snapshot) *snapshot {
		n := cur.withOpen(&openFile{uri: params.TextDocument.URI, path: path, version: params.TextDocument.Version, text: text})
		n, ch = n.withContent(path, []byte(text))
		return n
	})
	s.mu.Unlock()
	if badEdit != nil {
		s.showToClient(protocol.MessageTypeError, "cloudwerk: ignored an edit to %s at version %d: %v; reopen the file to resynchronise",
			params.TextDocument.URI, params.TextDocument.Version, badEdit)
	}
	s.diag.scheduleOpen(ch, path)
	return nil
}

// DidClose hands the file back to the disk: its diagnostics now come from the
// saved content (or are cleared when the file no longer exists).
func (s *Server) DidClose(ctx context.Context, params *protocol.DidCloseTextDocumentParams) error {
	path, ok := uriToPath(params.TextDocument.URI)
	if !ok {
		return nil
	}
	src, err := os.ReadFile(path)
	var ch change
	s.mu.Lock()
	delete(s.docs, path)
	s.updateLocked(func(cur *snapshot) *snapshot {
		n := cur.withoutOpen(path)
		if err != nil {
			n, ch = n.withoutFile(path)
		} else {
			n, ch = n.withContent(path, src)
		}
		return n
	})
	s.mu.Unlock()
	s.diag.scheduleOpen(ch, path)
	return nil
}

// DidSave re-reads app-wide configuration saved from the editor (wrangler and
// cloudwerk config files are read from disk by the engine).
func (s *Server) DidSave(ctx context.Context, params *protocol.DidSaveTextDocumentParams) error {
	path, ok := uriToPath(params.TextDocument.URI)
	if !ok {
		return nil
	}
	if isAppConfigFile(path) {
		if a := s.snap.Load().appFor(path); a != nil {
			s.addApp(a.app.Root)
		}
	}
	return nil
}
