// This file defines workspace/executeCommand and the commands the server offers:
// cloudwerk.generate (writes generated files atomically through codegen.Apply)
// and cloudwerk.renameFiles (file renames for clients without resource operations).

package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/safefs"
	"github.com/cloudwerk/cloudwerk-lsp/codegen"
	"github.com/cloudwerk/cloudwerk-lsp/diagnostics"
)

const cmdRenameFiles = "cloudwerk.renameFiles"

// commandNames are the commands executeCommand accepts.
func commandNames() []string { return []string{diagnostics.GenerateCommand, cmdRenameFiles} }

// ExecuteCommand runs one of the server's commands. Every path it receives is
// checked to lie inside the workspace.
func (s *Server) ExecuteCommand(ctx context.Context, params *protocol.ExecuteCommandParams) (protocol.LSPAny, error) {
	args := make([]string, 0, len(params.Arguments))
	for _, raw := range params.Arguments {
		var a string
		if err := json.Unmarshal(raw, &a); err != nil {
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s: arguments must be strings", params.Command)
		}
		args = append(args, a)
	}
	var msg string
	var err error
	switch params.Command {
	case diagnostics.GenerateCommand:
		msg, err = s.generate(ctx, args)
	case cmdRenameFiles:
		msg, err = s.renameFiles(args)
	default:
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "unknown command %q", params.Command)
	}
	if err != nil {
		s.showToClient(protocol.MessageTypeError, "cloudwerk: %v", err)
		return nil, jsonrpc2.Errorf(jsonrpc2.InternalError, "%s: %v", params.Command, err)
	}
	raw, _ := json.Marshal(msg)
	return raw, nil
}

// generate regenerates the generated files of one app (args[0], a path inside
// it; default: every app) for the targets in args[1] (default: all).
func (s *Server) generate(ctx context.Context, args []string) (string, error) {
	snap := s.snap.Load()
	var apps []*appState
	if len(args) > 0 && args[0] != "" {
		p, err := s.workspacePath(snap, args[0])
		if err != nil {
			return "", err
		}
		a := snap.appFor(p)
		if a == nil {
			return "", fmt.Errorf("%s is not inside a Cloudwerk app", p)
		}
		apps = append(apps, a)
	} else {
		apps = snap.apps
	}
	opts := codegen.Options{}
	if len(args) > 1 && args[1] != "" {
		t, err := codegen.ParseTargets(args[1])
		if err != nil {
			return "", err
		}
		opts.Targets = t
	}
	written := 0
	var notRecorded []string
	for _, a := range apps {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		if p := snap.unsavedConfig(a); p != "" {
			return "", fmt.Errorf("%s has unsaved changes: save it first (generate writes the files on disk; the source action edits the buffer)", p)
		}
		// The same rule as the CLI: objects that are not facts yet stay out of the ledger.
		if opts.Targets == 0 || opts.Targets&codegen.TargetWrangler != 0 {
			if p, err := codegen.PlanWrangler(a.materialized(), opts); err == nil {
				for _, b := range p.Blocked {
					notRecorded = append(notRecorded, b.Class)
				}
			}
		}
		changes, err := s.planAndApply(a, opts)
		if err != nil {
			return "", err
		}
		written += len(changes)
		for _, c := range changes {
			s.diskChanged(c.Path)
		}
		s.addApp(a.app.Root)
	}
	msg := fmt.Sprintf("cloudwerk: generate updated %s", diagnostics.Plural(written, "file"))
	if len(notRecorded) > 0 {
		msg += "; not bound or migrated (see their diagnostics): " + strings.Join(notRecorded, ", ")
	}
	return msg, nil
}

// planAndApply plans one app's generated files and writes them. When a file
// changed on disk after the snapshot was taken (an edit the watcher has not
// delivered yet), it reloads the app from disk and plans once more, as the CLI does.
func (s *Server) planAndApply(a *appState, opts codegen.Options) ([]codegen.FileChange, error) {
	root := a.app.Root
	for attempt := 0; ; attempt++ {
		changes, err := codegen.Plan(a.materialized(), opts)
		if err != nil {
			return nil, err
		}
		err = codegen.ApplyWith(root, changes, codegen.ApplyOptions{OnLockWait: func(lock string) {
			s.showToClient(protocol.MessageTypeInfo, "cloudwerk: waiting for another generate run to finish (it holds %s)", lock)
		}})
		if err == nil || !errors.Is(err, codegen.ErrConflict) || attempt > 0 {
			return changes, err
		}
		s.addApp(root)
		if a = s.snap.Load().appAt(root); a == nil {
			return nil, fmt.Errorf("%s is no longer a Cloudwerk app", root)
		}
	}
}

// renameFiles renames pairs of files (from, to) inside the workspace, refusing
// to overwrite an existing file.
func (s *Server) renameFiles(args []string) (string, error) {
	if len(args) == 0 || len(args)%2 != 0 {
		return "", errors.New("renameFiles wants pairs of paths")
	}
	snap := s.snap.Load()
	for i := 0; i < len(args); i += 2 {
		from, err := s.workspacePath(snap, args[i])
		if err != nil {
			return "", err
		}
		to, err := s.workspacePath(snap, args[i+1])
		if err != nil {
			return "", err
		}
		if _, err := os.Lstat(to); err == nil {
			return "", fmt.Errorf("%s already exists", to)
		}
		if err := os.Rename(from, to); err != nil {
			return "", err
		}
		s.fileRenamed(from, to)
	}
	return fmt.Sprintf("cloudwerk: renamed %s", diagnostics.Plural(len(args)/2, "file")), nil
}

// workspacePath resolves a path or file URI from a client and checks that it
// lies inside a workspace folder, also once symbolic links are resolved.
func (s *Server) workspacePath(snap *snapshot, p string) (string, error) {
	if strings.HasPrefix(p, "file:") {
		u, err := uri.Parse(p)
		if err != nil {
			return "", fmt.Errorf("bad URI %q: %w", p, err)
		}
		fp, ok := uriToPath(u)
		if !ok {
			return "", fmt.Errorf("%q is not a file URI", p)
		}
		p = fp
	}
	if !filepath.IsAbs(p) {
		return "", fmt.Errorf("%q is not an absolute path", p)
	}
	p = filepath.Clean(p)
	folder := snap.folderOf(p)
	if folder == "" {
		return "", fmt.Errorf("%s is outside the workspace", p)
	}
	if err := safefs.CheckInside(folder, p); err != nil {
		return "", err
	}
	return p, nil
}

// fileRenamed moves the server's view of a file that was renamed on disk.
func (s *Server) fileRenamed(from, to string) {
	s.diskChanged(from)
	s.diskChanged(to)
}
