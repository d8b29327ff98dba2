// This file defines work-done progress reporting for long server-side work
// (the initial workspace scan), used only when the client supports it.

package lsp

import (
	"context"
	"strconv"
	"sync/atomic"

	"go.lsp.dev/protocol"
)

var progressSeq atomic.Int64

// progress reports one piece of work; a zero value reports nothing.
type progress struct {
	s     *Server
	ctx   context.Context
	token protocol.ProgressToken
	last  uint32
}

// beginProgress creates a progress token on the client and sends begin. It
// calls the client, so it must run off the read loop.
func (s *Server) beginProgress(ctx context.Context, title string) *progress {
	if !s.caps.workDoneProgress || s.client == nil {
		return &progress{}
	}
	token := protocol.String("cloudwerk/" + strconv.FormatInt(progressSeq.Add(1), 10))
	if err := s.client.WorkDoneProgressCreate(ctx, &protocol.WorkDoneProgressCreateParams{Token: token}); err != nil {
		return &progress{}
	}
	p := &progress{s: s, ctx: ctx, token: token}
	zero := uint32(0)
	p.send(&protocol.WorkDoneProgressBegin{Kind: "begin", Title: title, Percentage: &zero})
	return p
}

func (p *progress) send(v any) {
	if p.s == nil {
		return
	}
	raw, err := protocol.Marshal(v)
	if err != nil {
		return
	}
	_ = p.s.client.Progress(p.ctx, &protocol.ProgressParams{Token: p.token, Value: raw})
}

// report sends a report when the percentage moved.
func (p *progress) report(msg string, done, total int) {
	if p.s == nil || total == 0 {
		return
	}
	pct := uint32(done * 100 / total)
	if pct == p.last && done != 0 {
		return
	}
	p.last = pct
	p.send(&protocol.WorkDoneProgressReport{Kind: "report", Message: &msg, Percentage: &pct})
}

// end finishes the progress.
func (p *progress) end(msg string) {
	p.send(&protocol.WorkDoneProgressEnd{Kind: "end", Message: &msg})
}
