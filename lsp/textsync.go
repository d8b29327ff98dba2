// This file defines incremental text synchronisation: didOpen, didChange
// (UTF-16 ranges converted once to byte offsets), didClose and didSave.

package lsp

import (
	"context"
	"fmt"
	"strings"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/safefs"
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
	if old := s.docs[path]; old != nil {
		old.doc.Close()
	}
	d := &docState{text: text, doc: analysis.NewDocument(path, []byte(text))}
	s.docs[path] = d
	s.updateLocked(func(cur *snapshot) *snapshot {
		n := cur.withOpen(&openFile{uri: params.TextDocument.URI, path: path, version: params.TextDocument.Version, text: text})
		n, ch = n.withDocument(path, d.doc)
		return n
	})
	s.mu.Unlock()
	s.log.Debug("didOpen", zap.String("uri", string(params.TextDocument.URI)), zap.Int32("version", params.TextDocument.Version))
	if isCloudwerkConfig(path) {
		// The app was loaded from the disk; a buffer that differs reshapes it.
		if disk, err := safefs.ReadFile(path); err != nil || string(disk) != text {
			s.reloadForConfig(path)
		}
	}
	s.diag.scheduleOpen(ch, path)
	return nil
}

// DidChange applies the edits in order, all or nothing: when one edit's range
// does not fit the text the edits before it produced, the whole change is
// refused (the document keeps its previous text and version) and the client
// is told to resynchronise.
func (s *Server) DidChange(ctx context.Context, params *protocol.DidChangeTextDocumentParams) error {
	path, ok := uriToPath(params.TextDocument.URI)
	if !ok {
		return nil
	}
	ch, badEdit, open := s.applyChanges(path, params)
	if !open {
		s.logToClient(protocol.MessageTypeWarning, "cloudwerk: didChange for %s, which is not open", params.TextDocument.URI)
		return nil
	}
	if badEdit != nil {
		s.showToClient(protocol.MessageTypeError, "cloudwerk: ignored the change to %s at version %d: %v; reopen the file to resynchronise",
			params.TextDocument.URI, params.TextDocument.Version, badEdit)
	} else if isCloudwerkConfig(path) {
		s.reloadForConfig(path) // the unsaved config is what the engine reads
	}
	s.diag.scheduleOpen(ch, path)
	return nil
}

// pendingEdit is one checked edit of a didChange, in byte offsets.
type pendingEdit struct {
	start, end int
	text       string
	whole      bool
}

// applyChanges applies a didChange to the open document and the snapshot. Every
// edit is first checked against the text the edits before it produce; the
// first that does not fit is reported and nothing is applied. open reports
// whether the document was open at all.
func (s *Server) applyChanges(path string, params *protocol.DidChangeTextDocumentParams) (ch change, badEdit error, open bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.docs[path]
	if d == nil {
		return change{}, nil, false
	}
	text := d.text
	edits := make([]pendingEdit, 0, len(params.ContentChanges))
	for i, c := range params.ContentChanges {
		switch c := c.(type) {
		case *protocol.TextDocumentContentChangeWholeDocument:
			text = strings.Clone(c.Text)
			edits = append(edits, pendingEdit{text: text, whole: true})
		case *protocol.TextDocumentContentChangePartial:
			start, end, err := rangeToOffsets(text, c.Range)
			if err != nil {
				s.log.Warn("out-of-range edit", zap.String("uri", string(params.TextDocument.URI)), zap.Int("change", i), zap.Error(err))
				return change{}, fmt.Errorf("edit %d of %d: %w", i+1, len(params.ContentChanges), err), true
			}
			text = text[:start] + c.Text + text[end:]
			edits = append(edits, pendingEdit{start: start, end: end, text: c.Text})
		}
	}
	for _, e := range edits {
		if e.whole {
			d.doc.SetText([]byte(e.text))
			continue
		}
		if err := d.doc.Edit(e.start, e.end, e.text); err != nil {
			// The ranges were checked on the same text, so this is a bug: take the
			// checked result whole rather than let the document diverge.
			s.log.Error("document edit failed after its range was checked", zap.String("uri", string(params.TextDocument.URI)), zap.Error(err))
			d.doc.SetText([]byte(text))
			break
		}
	}
	d.text = text
	s.updateLocked(func(cur *snapshot) *snapshot {
		n := cur.withOpen(&openFile{uri: params.TextDocument.URI, path: path, version: params.TextDocument.Version, text: d.text})
		n, ch = n.withDocument(path, d.doc)
		return n
	})
	return ch, nil, true
}

// DidClose hands the file back to the disk: its diagnostics now come from the
// saved content (or are cleared when the file no longer exists).
func (s *Server) DidClose(ctx context.Context, params *protocol.DidCloseTextDocumentParams) error {
	path, ok := uriToPath(params.TextDocument.URI)
	if !ok {
		return nil
	}
	src, err := safefs.ReadFile(path)
	var ch change
	var reload string
	s.mu.Lock()
	if d := s.docs[path]; d != nil {
		d.doc.Close()
	}
	delete(s.docs, path)
	s.updateLocked(func(cur *snapshot) *snapshot {
		var n *snapshot
		n, ch, reload = cur.withoutOpen(path).withDiskFile(path, src, err)
		return n
	})
	s.mu.Unlock()
	if reload != "" {
		s.background(func() { s.addApp(reload) }) // reads the whole app: off the read loop
	}
	if isAppConfigFile(path) {
		s.reloadForConfig(path) // the disk's content stands in for the closed buffer again
	}
	s.diag.scheduleOpen(ch, path)
	return nil
}

// DidSave re-reads app-wide configuration saved from the editor (wrangler and
// cloudwerk config files and the Worker entry are read from disk by the engine).
func (s *Server) DidSave(ctx context.Context, params *protocol.DidSaveTextDocumentParams) error {
	path, ok := uriToPath(params.TextDocument.URI)
	if !ok {
		return nil
	}
	if isAppConfigFile(path) || isWorkerEntry(s.snap.Load(), path) {
		if a := s.snap.Load().appFor(path); a != nil {
			root := a.app.Root
			s.background(func() { s.addApp(root) }) // reloading reads the whole app: off the read loop
		}
	}
	return nil
}
