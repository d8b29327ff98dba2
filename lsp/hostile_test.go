package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/cloudwerk/cloudwerk-lsp/internal/testutil"
)

// TestUnreadablePathsNeverHangTheServer holds a FIFO in app/objects and
// /dev/zero against every request and notification that takes a URI: each
// call is answered (hover, definition and completion with an error naming the
// file), nothing blocks or reads without bound, the FIFO is reported as
// FILE_UNREADABLE, the server's own watcher keeps working, and shutdown + exit
// end the server.
func TestUnreadablePathsNeverHangTheServer(t *testing.T) {
	e := newEnv(t, map[string]string{
		"cloudwerk.config.ts":    "export default {}\n",
		"wrangler.toml":          testutil.CounterWrangler,
		"app/objects/counter.ts": objectSource(""),
	})
	e.conn.s.opts.NoFileWatcher = false
	e.initialize(resourceCaps())
	e.client.waitFor(t, "the server's own watcher", e.conn.s.watching.Load)
	e.client.waitFor(t, "the initial scan", func() bool { return len(e.conn.s.snap.Load().apps) == 1 })

	fifo := filepath.Join(e.root, "app", "objects", "pipe.ts")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	e.client.waitDiags(t, e.uri("app/objects/pipe.ts"), -1, hasCode("FILE_UNREADABLE"))

	for _, u := range []uri.URI{e.uri("app/objects/pipe.ts"), uri.URI("file:///dev/zero")} {
		doc := protocol.TextDocumentIdentifier{URI: u}
		pos := protocol.TextDocumentPositionParams{TextDocument: doc}
		call := func(name string, wantErr bool, f func(ctx context.Context) error) {
			t.Helper()
			ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
			defer cancel()
			err := f(ctx)
			if ctx.Err() != nil {
				t.Fatalf("%s %s: no answer within 10 s", name, u)
			}
			if wantErr && err == nil {
				t.Errorf("%s %s: answered without an error", name, u)
			}
		}
		call("hover", true, func(ctx context.Context) error {
			_, err := e.server.Hover(ctx, &protocol.HoverParams{TextDocumentPositionParams: pos})
			return err
		})
		call("definition", true, func(ctx context.Context) error {
			_, err := e.server.Definition(ctx, &protocol.DefinitionParams{TextDocumentPositionParams: pos})
			return err
		})
		call("completion", true, func(ctx context.Context) error {
			_, err := e.server.Completion(ctx, &protocol.CompletionParams{TextDocumentPositionParams: pos})
			return err
		})
		call("codeAction", false, func(ctx context.Context) error {
			_, err := e.server.CodeAction(ctx, &protocol.CodeActionParams{TextDocument: doc})
			return err
		})
		call("codeLens", false, func(ctx context.Context) error {
			_, err := e.server.CodeLens(ctx, &protocol.CodeLensParams{TextDocument: doc})
			return err
		})
		call("documentSymbol", false, func(ctx context.Context) error {
			_, err := e.server.DocumentSymbol(ctx, &protocol.DocumentSymbolParams{TextDocument: doc})
			return err
		})
		call("willRenameFiles", false, func(ctx context.Context) error {
			_, err := e.server.WillRenameFiles(ctx, &protocol.RenameFilesParams{Files: []protocol.FileRename{{
				OldURI: string(u), NewURI: string(e.uri("app/objects/renamed.ts"))}}})
			return err
		})
		call("executeCommand generate", false, func(ctx context.Context) error {
			arg, _ := json.Marshal(string(u))
			_, err := e.server.ExecuteCommand(ctx, &protocol.ExecuteCommandParams{Command: "cloudwerk.generate", Arguments: []protocol.LSPAny{arg}})
			return err
		})
		// Notifications have no answer: each is followed by a call that must be
		// answered, so a notification that blocks the read loop shows.
		for name, notify := range map[string]func(ctx context.Context) error{
			"didClose": func(ctx context.Context) error {
				return e.server.DidClose(ctx, &protocol.DidCloseTextDocumentParams{TextDocument: doc})
			},
			"didSave": func(ctx context.Context) error {
				return e.server.DidSave(ctx, &protocol.DidSaveTextDocumentParams{TextDocument: doc})
			},
			"didChange": func(ctx context.Context) error {
				return e.server.DidChange(ctx, &protocol.DidChangeTextDocumentParams{
					TextDocument: protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: doc, Version: 2}})
			},
			"didChangeWatchedFiles": func(ctx context.Context) error {
				return e.server.DidChangeWatchedFiles(ctx, &protocol.DidChangeWatchedFilesParams{Changes: []protocol.FileEvent{
					{URI: u, Type: protocol.FileChangeTypeChanged}}})
			},
			"didRenameFiles": func(ctx context.Context) error {
				return e.server.DidRenameFiles(ctx, &protocol.RenameFilesParams{Files: []protocol.FileRename{{
					OldURI: string(u), NewURI: string(u)}}})
			},
		} {
			call(name, false, func(ctx context.Context) error {
				if err := notify(ctx); err != nil {
					return err
				}
				_, err := e.server.Symbols(ctx, &protocol.WorkspaceSymbolParams{})
				return err
			})
		}
	}

	// The watcher still sees new files, and the FIFO is still reported.
	testutil.WriteFiles(t, e.root, map[string]string{"app/objects/chat_room.ts": objectSource("")})
	e.client.waitDiags(t, e.uri("app/objects/chat_room.ts"), -1, hasCode("INVALID_NAME"))
	e.client.waitDiags(t, e.uri("app/objects/pipe.ts"), -1, hasCode("FILE_UNREADABLE"))

	// shutdown and exit end the server.
	ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
	defer cancel()
	if err := e.server.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if err := e.server.Exit(ctx); err != nil {
		t.Fatalf("exit: %v", err)
	}
	done := make(chan int, 1)
	go func() { done <- e.conn.Wait() }()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit code = %d, want 0", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not stop after shutdown and exit")
	}
}

// TestNothingLandsOutsideTheRoot: renames through a symlinked folder, and the
// generate action, willRenameFiles and the generate command on a wrangler.toml
// that links to a file outside the root, are all refused; the files outside
// stay as they were.
func TestNothingLandsOutsideTheRoot(t *testing.T) {
	e := newEnv(t, map[string]string{
		"cloudwerk.config.ts":    "export default {}\n",
		"app/objects/counter.ts": objectSource(""),
		"app/objects/chat.ts":    objectSource(""), // needs a binding and a migration
	})
	outside := t.TempDir()
	outsideWrangler := filepath.Join(outside, "wrangler.toml")
	outsideObject := filepath.Join(outside, "x.ts")
	testutil.WriteFiles(t, outside, map[string]string{"wrangler.toml": testutil.CounterWrangler, "x.ts": objectSource("")})
	if err := os.Symlink(outsideWrangler, filepath.Join(e.root, "wrangler.toml")); err != nil {
		t.Skip("no symlinks:", err)
	}
	if err := os.Symlink(outside, filepath.Join(e.root, "linked")); err != nil {
		t.Fatal(err)
	}
	e.initialize(resourceCaps())
	e.client.waitFor(t, "the initial scan", func() bool { return len(e.conn.s.snap.Load().apps) == 1 })

	command := func(name string, args ...string) error {
		var raw []protocol.LSPAny
		for _, a := range args {
			b, _ := json.Marshal(a)
			raw = append(raw, b)
		}
		_, err := e.server.ExecuteCommand(e.ctx, &protocol.ExecuteCommandParams{Command: name, Arguments: raw})
		return err
	}
	in := func(rel string) string { return filepath.Join(e.root, filepath.FromSlash(rel)) }
	if err := command(cmdRenameFiles, in("linked/x.ts"), in("app/objects/x.ts")); err == nil {
		t.Error("renameFiles moved a file from outside the root through a symlinked folder")
	}
	if err := command(cmdRenameFiles, in("app/objects/counter.ts"), in("linked/y.ts")); err == nil {
		t.Error("renameFiles moved a file out of the root through a symlinked folder")
	}

	acts, err := e.server.CodeAction(e.ctx, &protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: e.uri("app/objects/counter.ts")},
		Context:      protocol.CodeActionContext{Only: []protocol.CodeActionKind{codeActionKindGenerate}},
	})
	if err != nil || len(acts) != 1 {
		t.Fatalf("source actions = %+v, %v", acts, err)
	}
	if act := acts[0].(*protocol.CodeAction); act.Edit != nil || !strings.Contains(act.Disabled.Reason, "outside") {
		t.Errorf("the generate action hands out edits through the link: edit %+v, disabled %q", act.Edit, act.Disabled.Reason)
	}

	if err := command("cloudwerk.generate", e.root); err == nil {
		t.Error("generate wrote through a wrangler.toml linking outside the root")
	}

	edit, err := e.server.WillRenameFiles(e.ctx, &protocol.RenameFilesParams{Files: []protocol.FileRename{{
		OldURI: string(e.uri("app/objects/counter.ts")), NewURI: string(e.uri("app/objects/tally.ts"))}}})
	if err != nil || edit != nil {
		t.Errorf("willRenameFiles = %+v, %v; want no edit for a wrangler.toml outside the root", edit, err)
	}

	if data, _ := os.ReadFile(outsideWrangler); string(data) != testutil.CounterWrangler {
		t.Errorf("the wrangler.toml outside the root changed:\n%s", data)
	}
	if _, err := os.Stat(outsideObject); err != nil {
		t.Errorf("the file outside the root was moved: %v", err)
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 2 {
		t.Errorf("files appeared outside the root: %v", entries)
	}
}

// TestMultiEditChangeIsAllOrNothing: a didChange whose middle edit does not fit
// leaves the document exactly as it was (no half-applied first edit), and a
// later valid change applies to that text.
func TestMultiEditChangeIsAllOrNothing(t *testing.T) {
	e := newEnv(t, map[string]string{"cloudwerk.config.ts": "export default {}\n", "app/objects/counter.ts": objectSource("")})
	e.initialize(protocol.ClientCapabilities{})
	text := e.open("app/objects/counter.ts", 1)
	e.client.waitDiags(t, e.uri("app/objects/counter.ts"), 1, nil)
	doc := protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: e.uri("app/objects/counter.ts")}, Version: 2}
	at := func(line, char uint32) protocol.Position { return protocol.Position{Line: line, Character: char} }
	err := e.server.DidChange(e.ctx, &protocol.DidChangeTextDocumentParams{TextDocument: doc, ContentChanges: []protocol.TextDocumentContentChangeEvent{
		&protocol.TextDocumentContentChangePartial{Range: protocol.Range{Start: at(0, 0), End: at(0, 0)}, Text: "// first\n"},
		&protocol.TextDocumentContentChangePartial{Range: protocol.Range{Start: at(500, 0), End: at(500, 0)}, Text: "bad"},
		&protocol.TextDocumentContentChangePartial{Range: protocol.Range{Start: at(0, 0), End: at(0, 0)}, Text: "// third\n"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	e.client.waitFor(t, "the resynchronise message", func() bool {
		for _, m := range e.client.messages {
			if strings.Contains(m, "edit 2 of 3") && strings.Contains(m, "resynchronise") {
				return true
			}
		}
		return false
	})
	path := filepath.Join(e.root, "app/objects/counter.ts")
	if got := e.conn.s.snap.Load().open[path]; got.text != text || got.version != 1 {
		t.Fatalf("a refused change was half applied (version %d):\n%s", got.version, got.text)
	}
	if got := string(e.conn.s.docs[path].doc.Text()); got != text {
		t.Fatalf("the parsed document holds a half-applied change:\n%s", got)
	}
	doc.Version = 3
	if err := e.server.DidChange(e.ctx, &protocol.DidChangeTextDocumentParams{TextDocument: doc, ContentChanges: []protocol.TextDocumentContentChangeEvent{
		&protocol.TextDocumentContentChangePartial{Range: protocol.Range{Start: at(0, 0), End: at(0, 0)}, Text: "// ok\n"},
	}}); err != nil {
		t.Fatal(err)
	}
	e.client.waitDiags(t, e.uri("app/objects/counter.ts"), 3, nil)
	if got := e.conn.s.snap.Load().open[path].text; got != "// ok\n"+text {
		t.Fatalf("the next change applied to the wrong text:\n%s", got)
	}
}

// TestCancelledPassStillPublishesEveryFile: a newer change that cancels a
// whole-app pass while it is publishing must not leave the files the pass had
// not reached without their findings.
func TestCancelledPassStillPublishesEveryFile(t *testing.T) {
	const n = 60
	files := map[string]string{"cloudwerk.config.ts": "export default {}\n"}
	for i := range n {
		files[fmt.Sprintf("app/objects/obj%02d.ts", i)] = "export default 1\n" // INVALID_DEFINITION each
	}
	e := newEnv(t, files)
	var once sync.Once
	e.client.onPublish = func(p *protocol.PublishDiagnosticsParams) {
		if strings.HasSuffix(string(p.URI), "obj00.ts") {
			// A change arrives while the pass publishes: it cancels the pass.
			once.Do(func() { e.conn.s.diag.schedule(change{file: filepath.Join(e.root, "app/objects/obj00.ts")}) })
		}
	}
	e.initialize(protocol.ClientCapabilities{})
	for i := range n {
		e.client.waitDiags(t, e.uri(fmt.Sprintf("app/objects/obj%02d.ts", i)), -1, hasCode("INVALID_DEFINITION"))
	}
}

// TestFilesystemRootIsNotAWorkspace: a client rootUri of file:/// is refused
// with a message (no scan of the whole filesystem, no writes anywhere), and a
// workspace too large to search is bounded, with a message.
func TestFilesystemRootIsNotAWorkspace(t *testing.T) {
	e := newEnv(t, nil)
	root := uri.URI("file:///")
	if _, err := e.server.Initialize(e.ctx, &protocol.InitializeParams{RootURI: &root}); err != nil {
		t.Fatal(err)
	}
	if err := e.server.Initialized(e.ctx, &protocol.InitializedParams{}); err != nil {
		t.Fatal(err)
	}
	e.client.waitFor(t, "the refusal", func() bool {
		for _, m := range e.client.messages {
			if strings.Contains(m, "not serving /") {
				return true
			}
		}
		return false
	})
	if f := e.conn.s.snap.Load().folders; len(f) != 0 {
		t.Fatalf("workspace folders = %v", f)
	}
	arg, _ := json.Marshal("/etc/hostname")
	to, _ := json.Marshal("/etc/hostname.moved")
	if _, err := e.server.ExecuteCommand(e.ctx, &protocol.ExecuteCommandParams{Command: cmdRenameFiles, Arguments: []protocol.LSPAny{arg, to}}); err == nil {
		t.Fatal("renameFiles accepted a path with no workspace")
	}
}

func TestAppSearchIsBounded(t *testing.T) {
	files := map[string]string{"0near/cloudwerk.config.ts": "export default {}\n"}
	deep := "a/b/c/d/e/f/g/h/i/j/k/l"
	files[deep+"/cloudwerk.config.ts"] = "export default {}\n"
	e := newEnv(t, files)
	old := scanDirBudget
	scanDirBudget = 8
	t.Cleanup(func() { scanDirBudget = old })
	e.initialize(protocol.ClientCapabilities{})
	e.client.waitFor(t, "the bound message", func() bool {
		for _, m := range e.client.messages {
			if strings.Contains(m, "stopped looking for Cloudwerk apps") {
				return true
			}
		}
		return false
	})
	e.client.waitFor(t, "the app found within the bound", func() bool { return len(e.conn.s.snap.Load().apps) == 1 })
}

// TestAppReloadKeepsAChangeSeenDuringTheLoad: a file created (and applied by
// the watcher) while an app reload is loading is not lost when the reload stores
// its older view.
func TestAppReloadKeepsAChangeSeenDuringTheLoad(t *testing.T) {
	e := newEnv(t, map[string]string{
		"cloudwerk.config.ts":      "export default {}\n",
		"app/objects/chat-room.ts": objectSource(""),
	})
	e.initialize(protocol.ClientCapabilities{})
	e.client.waitFor(t, "the initial scan", func() bool { return len(e.conn.s.snap.Load().apps) == 1 })
	var once sync.Once
	e.conn.s.afterAppLoad = func(string) {
		once.Do(func() {
			testutil.WriteFiles(t, e.root, map[string]string{"app/objects/chatRoom.ts": objectSource("")})
			e.conn.s.diskChanged(filepath.Join(e.root, "app/objects/chatRoom.ts")) // the watcher, during the load
		})
	}
	e.conn.s.addApp(e.root)
	e.client.waitDiags(t, e.uri("app/objects/chat-room.ts"), -1, hasCode("DUPLICATE_NAME"))
	if e.conn.s.snap.Load().apps[0].entry(filepath.Join(e.root, "app/objects/chatRoom.ts")) == nil {
		t.Fatal("the file created during the reload is missing from the snapshot")
	}
}
