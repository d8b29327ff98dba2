// This file defines the connection lifecycle: initialize (capabilities, client
// features, workspace folders), initialized (initial scan with progress, file
// watching), shutdown and exit.

package lsp

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sort"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"go.uber.org/zap"

	"github.com/cloudwerk/cloudwerk-lsp/diagnostics"
)

// clientCaps are the client features the server adapts to.
type clientCaps struct {
	workDoneProgress bool // window.workDoneProgress
	watchDynamic     bool // workspace.didChangeWatchedFiles.dynamicRegistration
	resourceOps      bool // workspaceEdit.documentChanges with create and rename
	applyEdit        bool // workspace/applyEdit
	lensRefresh      bool // workspace.codeLens.refreshSupport
}

func readClientCaps(c *protocol.ClientCapabilities) clientCaps {
	out := clientCaps{lensRefresh: codeLensRefreshSupported(c)}
	if w := c.Window; w != nil && w.WorkDoneProgress != nil {
		out.workDoneProgress = *w.WorkDoneProgress
	}
	if ws := c.Workspace; ws != nil {
		if ws.DidChangeWatchedFiles != nil && ws.DidChangeWatchedFiles.DynamicRegistration != nil {
			out.watchDynamic = *ws.DidChangeWatchedFiles.DynamicRegistration
		}
		if ws.ApplyEdit != nil {
			out.applyEdit = *ws.ApplyEdit
		}
		if we := ws.WorkspaceEdit; we != nil && we.DocumentChanges != nil && *we.DocumentChanges {
			create, rename := false, false
			for _, k := range we.ResourceOperations {
				create = create || k == protocol.ResourceOperationKindCreate
				rename = rename || k == protocol.ResourceOperationKindRename
			}
			out.resourceOps = create && rename
		}
	}
	return out
}

// Initialize records the client's features and workspace folders and answers
// with exactly the capabilities this server implements.
func (s *Server) Initialize(ctx context.Context, params *protocol.InitializeParams) (*protocol.InitializeResult, error) {
	if !s.state.CompareAndSwap(stateNew, stateInitialized) {
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, "initialize was already called")
	}
	s.caps = readClientCaps(&params.Capabilities)
	s.diagOpts = readInitOptions(params.InitializationOptions, s.log)
	folders := s.workspaceFolders(initialFolders(params))
	s.update(func(cur *snapshot) *snapshot {
		n := cur.clone()
		n.folders = folders
		return n
	})
	s.log.Info("initialize", zap.Strings("folders", folders), zap.Bool("workDoneProgress", s.caps.workDoneProgress),
		zap.Bool("watchDynamic", s.caps.watchDynamic), zap.Bool("resourceOps", s.caps.resourceOps))
	return &protocol.InitializeResult{
		Capabilities: serverCapabilities(),
		ServerInfo:   protocol.ServerInfo{Name: "cloudwerk-lsp", Version: protocol.NewOptional(version)},
	}, nil
}

// initOptions are the server settings a client passes in initializationOptions:
// {"severity": {"KV_STORAGE": "error", "NO_INIT": "off"}}.
type initOptions struct {
	Severity map[string]string `json:"severity"`
}

func readInitOptions(raw []byte, log *zap.Logger) diagnostics.Options {
	var opts diagnostics.Options
	if len(raw) == 0 || string(raw) == "null" {
		return opts
	}
	var in initOptions
	if err := json.Unmarshal(raw, &in); err != nil {
		log.Warn("ignoring initializationOptions", zap.Error(err))
		return opts
	}
	for code, name := range in.Severity {
		sev, ok := diagnostics.ParseSeverity(name)
		if !ok {
			log.Warn("unknown severity in initializationOptions", zap.String("code", code), zap.String("severity", name))
			continue
		}
		if opts.Severity == nil {
			opts.Severity = map[diagnostics.Code]diagnostics.Severity{}
		}
		opts.Severity[diagnostics.Code(code)] = sev
	}
	return opts
}

// workspaceFolders drops the folders the server refuses to serve: a
// filesystem root (a client's rootUri of file:///) would make the whole
// filesystem the workspace, to scan and to write in. It says so.
func (s *Server) workspaceFolders(folders []string) []string {
	out := folders[:0:0]
	for _, f := range folders {
		if filepath.Dir(f) == f {
			s.log.Warn("refusing a filesystem root as workspace folder", zap.String("folder", f))
			s.showToClient(protocol.MessageTypeWarning, "cloudwerk: not serving %s: a filesystem root is not a project folder (open the folder of your Cloudwerk app)", f)
			continue
		}
		out = append(out, f)
	}
	return out
}

// initialFolders reads workspaceFolders, falling back to rootUri and rootPath.
func initialFolders(params *protocol.InitializeParams) []string {
	var out []string
	if fs, ok := params.WorkspaceFolders.Get(); ok {
		for _, f := range fs {
			if p, ok := uriToPath(f.URI); ok {
				out = append(out, p)
			}
		}
	}
	if len(out) == 0 && params.RootURI != nil {
		if p, ok := uriToPath(*params.RootURI); ok {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		if rp, ok := params.RootPath.Get(); ok && rp != "" {
			if abs, err := filepath.Abs(rp); err == nil {
				out = append(out, abs)
			}
		}
	}
	sort.Strings(out)
	return out
}

func serverCapabilities() protocol.ServerCapabilities {
	yes := true
	incremental := protocol.TextDocumentSyncKindIncremental
	fileScheme := "file"
	objectFiles := protocol.FileOperationRegistrationOptions{Filters: []protocol.FileOperationFilter{{
		Scheme:  &fileScheme,
		Pattern: protocol.FileOperationPattern{Glob: "**/objects/*.{ts,tsx,js,jsx}", Matches: protocol.FileOperationPatternKindFile},
	}}}
	return protocol.ServerCapabilities{
		TextDocumentSync: &protocol.TextDocumentSyncOptions{
			OpenClose: &yes,
			Change:    &incremental,
			Save:      protocol.Boolean(true),
		},
		HoverProvider:           protocol.Boolean(true),
		DefinitionProvider:      protocol.Boolean(true),
		CompletionProvider:      &protocol.CompletionOptions{TriggerCharacters: []string{".", "'", "\""}},
		DocumentSymbolProvider:  protocol.Boolean(true),
		WorkspaceSymbolProvider: protocol.Boolean(true),
		CodeLensProvider:        &protocol.CodeLensOptions{},
		CodeActionProvider: &protocol.CodeActionOptions{
			CodeActionKinds: []protocol.CodeActionKind{protocol.CodeActionKindQuickFix, codeActionKindGenerate},
		},
		ExecuteCommandProvider: protocol.ExecuteCommandOptions{Commands: commandNames()},
		Workspace: &protocol.WorkspaceOptions{
			WorkspaceFolders: &protocol.WorkspaceFoldersServerCapabilities{Supported: &yes, ChangeNotifications: protocol.Boolean(true)},
			FileOperations:   &protocol.FileOperationOptions{WillRename: objectFiles, DidRename: objectFiles},
		},
	}
}

// Initialized starts the initial workspace scan and file watching.
func (s *Server) Initialized(ctx context.Context, params *protocol.InitializedParams) error {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.scan(s.ctx, s.snap.Load().folders)
		s.startWatching()
	}()
	return nil
}

// scan loads every app of folders, reporting progress when the client supports it.
func (s *Server) scan(ctx context.Context, folders []string) {
	prog := s.beginProgress(ctx, "Cloudwerk: scanning workspace")
	var roots []string
	for _, f := range folders {
		found, truncated := findApps(f)
		if truncated {
			s.log.Warn("app search stopped", zap.String("folder", f), zap.Int("folders", scanDirBudget))
			s.showToClient(protocol.MessageTypeWarning, "cloudwerk: stopped looking for Cloudwerk apps in %s after %d folders; open the project folder itself to see every app", f, scanDirBudget)
		}
		roots = append(roots, found...)
	}
	for i, root := range roots {
		if ctx.Err() != nil {
			prog.end("cancelled")
			return
		}
		prog.report(root, i, len(roots))
		s.addApp(root)
	}
	prog.end("found " + diagnostics.Plural(len(roots), "app"))
	s.log.Info("scan done", zap.Int("apps", len(roots)))
}

// Shutdown stops background work; only exit is accepted afterwards.
func (s *Server) Shutdown(ctx context.Context) error {
	s.state.Store(stateShutdown)
	s.cancel()
	return nil
}

// Exit ends the connection; Conn.Wait reports the exit code.
func (s *Server) Exit(ctx context.Context) error {
	s.exitOne.Do(func() { close(s.exited) })
	return nil
}

// DidChangeWorkspaceFolders loads added folders and drops removed ones.
func (s *Server) DidChangeWorkspaceFolders(ctx context.Context, params *protocol.DidChangeWorkspaceFoldersParams) error {
	var added []string
	removed := map[string]bool{}
	for _, f := range params.Event.Removed {
		if p, ok := uriToPath(f.URI); ok {
			removed[p] = true
		}
	}
	for _, f := range params.Event.Added {
		if p, ok := uriToPath(f.URI); ok {
			added = append(added, p)
		}
	}
	added = s.workspaceFolders(added)
	var dropped []string
	s.update(func(cur *snapshot) *snapshot {
		n := cur.clone()
		n.folders = nil
		for _, f := range cur.folders {
			if !removed[f] {
				n.folders = append(n.folders, f)
			}
		}
		n.folders = append(n.folders, added...)
		sort.Strings(n.folders)
		var keep []*appState
		for _, a := range cur.apps {
			if n.inWorkspace(a.app.Root) {
				keep = append(keep, a)
			} else {
				dropped = append(dropped, a.app.Root)
			}
		}
		n.apps = keep
		return n
	})
	for _, root := range dropped {
		s.diag.scheduleApp(root)
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.scan(s.ctx, added)
		if w := s.ownWatcher(); w != nil {
			w.addFolders(added)
		}
	}()
	return nil
}

// uriToPath converts a file URI to a clean absolute path.
func uriToPath(u uri.URI) (string, bool) {
	if u.Scheme() != "file" {
		return "", false
	}
	p := u.FsPath()
	if p == "" || !filepath.IsAbs(p) {
		return "", false
	}
	return filepath.Clean(p), true
}

// pathToURI converts an absolute path to a file URI.
func pathToURI(p string) uri.URI { return uri.File(p) }
