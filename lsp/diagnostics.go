// This file defines diagnostics off the request path: a single worker that runs
// the engine's rules for what changed (cancelling the pass a newer change makes
// stale) and pushes versioned results to every affected file.

package lsp

import (
	"context"
	"sort"
	"sync"
	"time"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/diagnostics"
)

// work is what a diagnostics pass must recompute and publish.
type work struct {
	apps  map[string]bool // app roots needing the whole-app pass
	files map[string]bool // files needing only their own findings
	touch map[string]bool // files to publish even when their findings did not change (new version)
}

func (w *work) empty() bool { return len(w.apps)+len(w.files)+len(w.touch) == 0 }

func (w *work) merge(o work) {
	for k := range o.apps {
		setAdd(&w.apps, k)
	}
	for k := range o.files {
		setAdd(&w.files, k)
	}
	for k := range o.touch {
		setAdd(&w.touch, k)
	}
}

func setAdd(m *map[string]bool, k string) {
	if *m == nil {
		*m = map[string]bool{}
	}
	(*m)[k] = true
}

// publisher owns the diagnostics worker.
type publisher struct {
	s    *Server
	wake chan struct{}

	// mu guards pending and cancelRun.
	mu        sync.Mutex
	pending   work
	cancelRun context.CancelFunc

	// findings is owned by the worker goroutine: app root -> path -> findings.
	findings map[string]map[string][]diagnostics.Diagnostic
	// basis is, per open file, the text its findings in findings are placed on
	// (owned by the worker). A file pass recomputes only the per-file findings;
	// the whole-app ones it keeps are moved from their basis to the current text.
	basis map[string]string
	// basisHash is, per closed file, the content hash of the text its findings
	// were placed on, so opening the file unchanged keeps them as they are.
	basisHash map[string]string

	// curMu guards current, the last published findings per path, which code
	// actions read.
	curMu   sync.RWMutex
	current map[string][]diagnostics.Diagnostic

	// onPass, when set (benchmarks), is called with the findings computed for each
	// file-only pass, at the boundary where they are handed to publishing.
	onPass func(path string, n int)
}

func newPublisher(s *Server) *publisher {
	p := &publisher{s: s, wake: make(chan struct{}, 1), findings: map[string]map[string][]diagnostics.Diagnostic{}, basis: map[string]string{}, basisHash: map[string]string{}, current: map[string][]diagnostics.Diagnostic{}}
	s.wg.Add(1)
	go p.loop(s.ctx)
	return p
}

// schedule queues a change and cancels the running pass, which is now stale
// (its work is merged back and redone with the newest snapshot).
func (p *publisher) schedule(ch change) { p.add(ch.work()) }

// scheduleOpen is schedule plus an unconditional publish for the open file path,
// whose version changed.
func (p *publisher) scheduleOpen(ch change, path string) {
	w := ch.work()
	setAdd(&w.touch, path)
	p.add(w)
}

// work is what ch asks the diagnostics worker to recompute.
func (ch change) work() work {
	var w work
	for _, root := range append([]string{ch.appRoot}, ch.moreApps...) {
		if root != "" {
			setAdd(&w.apps, root)
		}
	}
	if ch.file != "" {
		setAdd(&w.files, ch.file)
	}
	return w
}

func (p *publisher) scheduleApp(root string) { p.schedule(change{appRoot: root}) }

func (p *publisher) add(w work) {
	if w.empty() {
		return
	}
	p.mu.Lock()
	p.pending.merge(w)
	if p.cancelRun != nil {
		p.cancelRun()
	}
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

func (p *publisher) loop(ctx context.Context) {
	defer p.s.wg.Done()
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.wake:
		}
		p.mu.Lock()
		w := p.pending
		p.pending = work{}
		rctx, cancel := context.WithCancel(ctx)
		p.cancelRun = cancel
		p.mu.Unlock()
		if !w.empty() && !p.run(rctx, w) {
			p.mu.Lock()
			p.pending.merge(w)
			p.mu.Unlock()
			if ctx.Err() == nil {
				select {
				case p.wake <- struct{}{}:
				default:
				}
			}
		}
		cancel()
	}
}

// run computes and publishes w against the current snapshot. It reports false,
// committing nothing, when ctx was cancelled.
func (p *publisher) run(ctx context.Context, w work) bool {
	snap := p.s.snap.Load()
	start := time.Now()
	fresh := map[string]map[string][]diagnostics.Diagnostic{} // only the roots this pass recomputed
	publish := map[string]string{}                            // path -> app root
	for root := range w.apps {
		byPath := map[string][]diagnostics.Diagnostic{}
		if a := snap.appAt(root); a != nil {
			for _, d := range diagnostics.Analyze(a.materialized(), p.s.diagOpts) {
				byPath[d.Path] = append(byPath[d.Path], d)
			}
		}
		if ctx.Err() != nil {
			return false
		}
		for path := range p.findings[root] {
			publish[path] = root
		}
		for path := range byPath {
			publish[path] = root
		}
		// Open files get a versioned answer even when clean (they may have been
		// opened before the app was loaded).
		for path := range snap.open {
			if a := snap.appFor(path); a != nil && a.app.Root == root {
				publish[path] = root
			}
		}
		fresh[root] = byPath
	}
	type fileResult struct {
		root, path string
		list       []diagnostics.Diagnostic
		// stale: the file is closed and keeps whole-app findings found on an
		// earlier content, so their basis is no longer known.
		stale bool
	}
	var files []fileResult
	var again work // whole-app passes needed for findings that could not follow an edit
	for path := range w.files {
		a := snap.appFor(path)
		if a == nil || w.apps[a.app.Root] {
			continue // the whole-app pass above already covers it
		}
		e := a.entry(path)
		var r *analysis.RouteFile
		if e == nil {
			r = a.route(path)
		}
		local := diagnostics.ApplySeverity(diagnostics.FileFindings(a.app, e, r), p.s.diagOpts.Severity)
		if p.onPass != nil {
			p.onPass(path, len(local))
		}
		list := local
		var kept []diagnostics.Diagnostic
		for _, d := range p.findings[a.app.Root][path] {
			if !diagnostics.RuleFor(d.Code).ReplacedByFilePass() {
				kept = append(kept, d)
			}
		}
		kept, lost := p.follow(snap, path, kept)
		if lost {
			setAdd(&again.apps, a.app.Root)
		}
		list = append(list, kept...)
		files = append(files, fileResult{a.app.Root, path, list, snap.open[path] == nil && len(kept) > 0})
		publish[path] = a.app.Root
	}
	for path := range w.touch {
		if a := snap.appFor(path); a != nil {
			publish[path] = a.app.Root
		}
	}
	if ctx.Err() != nil {
		return false
	}
	// Commit, then publish in a stable order.
	for root, byPath := range fresh {
		if snap.appAt(root) == nil {
			delete(p.findings, root)
			continue
		}
		p.findings[root] = byPath
		for path := range byPath {
			p.setBasis(snap, path)
		}
	}
	for _, f := range files {
		if p.findings[f.root] == nil {
			p.findings[f.root] = map[string][]diagnostics.Diagnostic{}
		}
		if len(f.list) == 0 {
			delete(p.findings[f.root], f.path)
		} else {
			p.findings[f.root][f.path] = f.list
		}
		if f.stale {
			delete(p.basisHash, f.path)
		} else {
			p.setBasis(snap, f.path)
		}
	}
	paths := make([]string, 0, len(publish))
	for path := range publish {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	for _, path := range paths {
		root := publish[path]
		list := p.findings[root][path]
		if _, recomputed := fresh[root]; !recomputed && !w.files[path] && len(list) > 0 {
			// Published again for a new version without being recomputed.
			var lost bool
			list, lost = p.follow(snap, path, list)
			if lost {
				setAdd(&again.apps, root)
			}
			p.findings[root][path] = list
			if snap.open[path] != nil {
				p.setBasis(snap, path)
			} else { // closed without a recompute: what they were found on is unknown now
				delete(p.basis, path)
				delete(p.basisHash, path)
			}
		}
		p.curMu.Lock()
		if len(list) == 0 {
			delete(p.current, path)
		} else {
			p.current[path] = list
		}
		p.curMu.Unlock()
		// Committed findings are always sent, under the connection's context: a
		// newer change cancels ctx, and a pass cut short here would leave every
		// file it had not reached with stale findings (the newer pass publishes
		// only what it recomputes).
		p.publish(p.s.ctx, snap, path, list)
	}
	if !again.empty() {
		p.add(again) // after publishing: this pass is done, so the cancel it makes is harmless
	}
	if len(w.apps) > 0 {
		p.s.refreshCodeLenses()
	}
	p.s.log.Debug("diagnostics pass", zap.Int("apps", len(w.apps)), zap.Int("files", len(w.files)), zap.Int("published", len(paths)), zap.Duration("duration", time.Since(start)))
	return true
}

// follow moves findings of path from the text they were placed on to the open
// document's current text. lost reports findings left out because the edit
// replaced the code they point at; a whole-app pass must recompute them.
func (p *publisher) follow(snap *snapshot, path string, list []diagnostics.Diagnostic) ([]diagnostics.Diagnostic, bool) {
	f := snap.open[path]
	if f == nil || len(list) == 0 {
		return list, false
	}
	old, ok := p.basis[path]
	if !ok {
		// Found while the file was closed, on the saved text: still right when
		// the buffer holds the same text, else recompute rather than guess.
		if h, known := p.basisHash[path]; known && h == contentHash(snap, path) {
			return list, false
		}
		return nil, true
	}
	return diagnostics.Follow(list, path, old, f.text)
}

// setBasis records that the stored findings of path are placed on its text in snap.
func (p *publisher) setBasis(snap *snapshot, path string) {
	if f := snap.open[path]; f != nil {
		p.basis[path] = f.text
		delete(p.basisHash, path)
		return
	}
	delete(p.basis, path)
	if h := contentHash(snap, path); h != "" {
		p.basisHash[path] = h
	} else {
		delete(p.basisHash, path)
	}
}

// contentHash is the hash of the text the snapshot's facts about object file
// path come from ("" for other files).
func contentHash(snap *snapshot, path string) string {
	if a := snap.appFor(path); a != nil {
		if e := a.entry(path); e != nil && e.Def != nil {
			return e.Def.Hash
		}
	}
	return ""
}

// publish sends one file's diagnostics with the version of its open document.
func (p *publisher) publish(ctx context.Context, snap *snapshot, path string, list []diagnostics.Diagnostic) {
	params := &protocol.PublishDiagnosticsParams{URI: pathToURI(path), Diagnostics: make([]protocol.Diagnostic, 0, len(list))}
	if f := snap.open[path]; f != nil {
		params.URI = f.uri
		params.Version = protocol.NewOptional(f.version)
	}
	for _, d := range list {
		params.Diagnostics = append(params.Diagnostics, toProtoDiagnostic(d))
	}
	if p.s.client == nil {
		return
	}
	if err := p.s.client.PublishDiagnostics(ctx, params); err != nil && ctx.Err() == nil {
		p.s.log.Warn("publishDiagnostics failed", zap.String("path", path), zap.Error(err))
	}
}

// diagnosticsFor returns the last published findings of path.
func (p *publisher) diagnosticsFor(path string) []diagnostics.Diagnostic {
	p.curMu.RLock()
	defer p.curMu.RUnlock()
	return p.current[path]
}

// toProtoDiagnostic converts one finding.
func toProtoDiagnostic(d diagnostics.Diagnostic) protocol.Diagnostic {
	out := protocol.Diagnostic{
		Range:    toProtoRange(d.Range),
		Severity: protocol.DiagnosticSeverity(d.Severity),
		Code:     protocol.String(string(d.Code)),
		Source:   protocol.NewOptional("cloudwerk"),
		Message:  protocol.String(d.Message),
	}
	for _, r := range d.Related {
		out.RelatedInformation = append(out.RelatedInformation, protocol.DiagnosticRelatedInformation{
			Location: protocol.Location{URI: pathToURI(r.Path), Range: toProtoRange(r.Range)},
			Message:  r.Message,
		})
	}
	return out
}

// sameRange reports whether an engine range and a client range denote the same span.
func sameRange(a analysis.Range, b protocol.Range) bool {
	return toProtoRange(a) == b
}
