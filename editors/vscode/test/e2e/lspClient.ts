// A small LSP client over stdio built on the libraries vscode-languageclient
// uses (vscode-jsonrpc, vscode-languageserver-protocol). It answers the
// server's requests, keeps the latest pushed diagnostics, and applies
// WorkspaceEdits to disk the way VS Code does, notifying the server as VS Code
// would (file operation participants, watched files, close/open of renamed
// documents, change and save of edited ones).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { minimatch } from 'minimatch';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DidRenameFilesNotification,
  DidSaveTextDocumentNotification,
  ExitNotification,
  FileChangeType,
  InitializeRequest,
  InitializedNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  UnregistrationRequest,
  WillRenameFilesRequest,
  DidCreateFilesNotification,
  WillCreateFilesRequest,
  DidDeleteFilesNotification,
  WillDeleteFilesRequest,
  ApplyWorkspaceEditRequest,
  WorkDoneProgressCreateRequest,
  ConfigurationRequest,
  ShowMessageRequest,
  ShowDocumentRequest,
  LogMessageNotification,
  ShowMessageNotification,
  type ClientCapabilities,
  type Diagnostic,
  type FileEvent,
  type FileOperationRegistrationOptions,
  type FileSystemWatcher,
  type InitializeResult,
  type ProtocolConnection,
  type Range,
  type ServerCapabilities,
  type TextDocumentContentChangeEvent,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';

export const uriOf = (p: string): string => pathToFileURL(p).href;
export const pathOf = (uri: string): string => fileURLToPath(uri);

/** What the extension's document selector syncs: JS/TS flavours and wrangler config files. */
export function languageIdFor(p: string): string | undefined {
  const base = path.basename(p);
  if (/^wrangler\.(toml|json|jsonc)$/.test(base)) {
    return base.endsWith('.toml') ? 'toml' : base.endsWith('.jsonc') ? 'jsonc' : 'json';
  }
  const ext = path.extname(p);
  return ({ '.ts': 'typescript', '.tsx': 'typescriptreact', '.js': 'javascript', '.jsx': 'javascriptreact', '.mjs': 'javascript' } as Record<string, string>)[ext];
}

/** Byte-independent offset of an LSP position (UTF-16, which is what JS strings index). */
export function offsetAt(text: string, pos: { line: number; character: number }): number {
  let line = 0;
  let i = 0;
  while (line < pos.line && i < text.length) {
    const c = text.charCodeAt(i);
    i++;
    if (c === 10 || (c === 13 && text.charCodeAt(i) !== 10)) {
      line++;
    }
  }
  let end = i;
  while (end < text.length && text[end] !== '\n' && text[end] !== '\r') {
    end++;
  }
  return Math.min(i + pos.character, end);
}

/** The position of the first occurrence of needle (plus delta characters). */
export function positionOf(text: string, needle: string, delta = 0): { line: number; character: number } {
  const at = text.indexOf(needle);
  if (at < 0) {
    throw new Error(`"${needle}" not found`);
  }
  const before = text.slice(0, at + delta);
  const lines = before.split(/\r\n|\r|\n/);
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

/** Applies non-overlapping edits (relative to the original text) from the last to the first. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): { text: string; changes: TextDocumentContentChangeEvent[] } {
  const sorted = edits
    .map((e, i) => ({ e, i, start: offsetAt(text, e.range.start), end: offsetAt(text, e.range.end) }))
    .sort((a, b) => b.start - a.start || b.i - a.i);
  let out = text;
  const changes: TextDocumentContentChangeEvent[] = [];
  for (const { e, start, end } of sorted) {
    out = out.slice(0, start) + e.newText + out.slice(end);
    changes.push({ range: e.range, text: e.newText });
  }
  return { text: out, changes };
}

interface OpenDocument {
  languageId: string;
  version: number;
  text: string;
}

type Waiter = () => void;

export interface ClientOptions {
  bin: string;
  args: string[];
  root: string;
  capabilities: ClientCapabilities;
  /** Bounds every wait and request. */
  timeoutMs: number;
}

export class LspClient {
  readonly conn: ProtocolConnection;
  readonly diagnostics = new Map<string, Diagnostic[]>();
  /** Every publishDiagnostics in order (uri and codes), for failure messages. */
  readonly publishLog: string[] = [];
  readonly serverLog: string[] = [];
  readonly appliedEdits: WorkspaceEdit[] = [];
  readonly sent: string[] = [];
  capabilities: ServerCapabilities = {};
  private readonly docs = new Map<string, OpenDocument>();
  private readonly watchers = new Map<string, FileSystemWatcher[]>();
  private readonly fileOps = new Map<string, FileOperationRegistrationOptions['filters']>(); // method -> filters (static and dynamic)
  private readonly waiters = new Set<Waiter>();
  private stderrTail = '';
  private exited = false;

  private constructor(
    readonly proc: ChildProcessWithoutNullStreams,
    private readonly opts: ClientOptions,
  ) {
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (d: string) => {
      this.stderrTail = (this.stderrTail + d).slice(-8000);
    });
    proc.on('exit', () => {
      this.exited = true;
      this.wake();
    });
    this.conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
    this.handleServerMessages();
    this.conn.listen();
  }

  static spawn(opts: ClientOptions): LspClient {
    const proc = spawn(opts.bin, opts.args, { cwd: opts.root, stdio: ['pipe', 'pipe', 'pipe'] });
    return new LspClient(proc, opts);
  }

  get stderr(): string {
    return this.stderrTail;
  }

  private handleServerMessages(): void {
    const c = this.conn;
    c.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.diagnostics.set(p.uri, p.diagnostics);
      this.publishLog.push(`${path.basename(pathOf(p.uri))}: [${p.diagnostics.map((d) => d.code).join(', ')}]`);
      this.wake();
    });
    c.onNotification(LogMessageNotification.type, (p) => {
      this.serverLog.push(p.message);
    });
    c.onNotification(ShowMessageNotification.type, (p) => {
      this.serverLog.push(`showMessage: ${p.message}`);
    });
    c.onRequest(WorkDoneProgressCreateRequest.type, () => undefined);
    // Work-done progress and telemetry are accepted and ignored.
    c.onNotification('$/progress', () => undefined);
    c.onNotification('telemetry/event', () => undefined);
    c.onRequest(ConfigurationRequest.type, (p) => p.items.map(() => null));
    c.onRequest(ShowMessageRequest.type, () => null);
    c.onRequest(ShowDocumentRequest.type, () => ({ success: true }));
    for (const refresh of ['workspace/codeLens/refresh', 'workspace/diagnostic/refresh', 'workspace/semanticTokens/refresh', 'workspace/inlayHint/refresh', 'workspace/inlineValue/refresh', 'workspace/foldingRange/refresh']) {
      c.onRequest(refresh, () => null);
    }
    c.onRequest(RegistrationRequest.type, (p) => {
      for (const r of p.registrations) {
        if (r.method === DidChangeWatchedFilesNotification.method) {
          this.watchers.set(r.id, (r.registerOptions as { watchers: FileSystemWatcher[] }).watchers);
        } else if (r.method.startsWith('workspace/') && /(will|did)(Create|Rename|Delete)Files$/.test(r.method)) {
          const filters = (r.registerOptions as FileOperationRegistrationOptions).filters;
          this.fileOps.set(r.method, [...(this.fileOps.get(r.method) ?? []), ...filters]);
        }
      }
      this.wake();
    });
    c.onRequest(UnregistrationRequest.type, (p) => {
      for (const u of p.unregisterations) {
        this.watchers.delete(u.id);
      }
    });
    // The server asks the client to apply an edit (e.g. from executeCommand).
    c.onRequest(ApplyWorkspaceEditRequest.type, async (p) => {
      try {
        await this.applyWorkspaceEdit(p.edit);
        return { applied: true };
      } catch (err) {
        return { applied: false, failureReason: String(err) };
      }
    });
  }

  private wake(): void {
    for (const w of [...this.waiters]) {
      w();
    }
  }

  /** Resolves with probe's first defined result, re-checked after every server message. */
  waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = this.opts.timeoutMs): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check: Waiter = () => {
        let v: T | undefined;
        try {
          v = probe();
        } catch (err) {
          done();
          reject(err);
          return;
        }
        if (v !== undefined) {
          done();
          resolve(v);
        } else if (this.exited) {
          done();
          reject(new Error(`server exited while waiting for ${what}\nstderr:\n${this.stderrTail}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\npublished:\n${this.publishLog.slice(-30).join('\n')}\nstderr:\n${this.stderrTail.slice(-3000)}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Sends a request with the client's timeout. */
  async request<R>(method: string, params: unknown): Promise<R> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${method} timed out\nstderr:\n${this.stderrTail.slice(-3000)}`)), this.opts.timeoutMs);
    });
    try {
      return await Promise.race([this.conn.sendRequest(method, params) as Promise<R>, timeout]);
    } catch (err) {
      throw await this.explain(method, err);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A dead server shows up as a closed stream; what it printed says why. */
  private async explain(method: string, err: unknown): Promise<unknown> {
    if (!(err instanceof Error) || err.message.includes('stderr:')) {
      return err;
    }
    if (!this.exited && /destroyed|closed|EPIPE/.test(err.message)) {
      await new Promise((r) => setTimeout(r, 300));
    }
    if (this.exited) {
      err.message += `\n${method}: the server exited (code ${this.proc.exitCode}, signal ${this.proc.signalCode})\nstderr:\n${this.stderrTail.slice(-3000)}`;
    }
    return err;
  }

  /** Sends a notification, explaining a dead server. */
  async notify(method: string, params?: unknown): Promise<void> {
    try {
      await this.conn.sendNotification(method, params);
    } catch (err) {
      throw await this.explain(method, err);
    }
  }

  async initialize(): Promise<InitializeResult> {
    const rootUri = uriOf(this.opts.root);
    const result = await this.request<InitializeResult>(InitializeRequest.method, {
      processId: process.pid,
      clientInfo: { name: 'Visual Studio Code', version: '1.100.0' },
      locale: 'en',
      rootPath: this.opts.root,
      rootUri,
      capabilities: this.opts.capabilities,
      trace: 'off',
      workspaceFolders: [{ uri: rootUri, name: path.basename(this.opts.root) }],
    });
    this.capabilities = result.capabilities;
    const ops = result.capabilities.workspace?.fileOperations ?? {};
    for (const [key, method] of [
      ['willCreate', WillCreateFilesRequest.method],
      ['didCreate', DidCreateFilesNotification.method],
      ['willRename', WillRenameFilesRequest.method],
      ['didRename', DidRenameFilesNotification.method],
      ['willDelete', WillDeleteFilesRequest.method],
      ['didDelete', DidDeleteFilesNotification.method],
    ] as const) {
      const reg = ops[key];
      if (reg !== undefined) {
        this.fileOps.set(method, [...reg.filters]);
      }
    }
    await this.notify(InitializedNotification.method, {});
    return result;
  }

  /** Whether the server registered a client-side watcher for file watching. */
  hasWatchers(): boolean {
    return this.watchers.size > 0;
  }

  // --- documents ---------------------------------------------------------

  isOpen(p: string): boolean {
    return this.docs.has(uriOf(p));
  }

  text(p: string): string {
    const d = this.docs.get(uriOf(p));
    return d !== undefined ? d.text : fs.readFileSync(p, 'utf8');
  }

  async open(p: string): Promise<void> {
    const languageId = languageIdFor(p);
    if (languageId === undefined) {
      throw new Error(`${p} is outside the extension's document selector`);
    }
    const text = fs.readFileSync(p, 'utf8');
    this.docs.set(uriOf(p), { languageId, version: 1, text });
    this.sent.push(`didOpen ${path.basename(p)}`);
    await this.notify(DidOpenTextDocumentNotification.method, { textDocument: { uri: uriOf(p), languageId, version: 1, text } });
  }

  async close(p: string): Promise<void> {
    this.docs.delete(uriOf(p));
    this.sent.push(`didClose ${path.basename(p)}`);
    await this.notify(DidCloseTextDocumentNotification.method, { textDocument: { uri: uriOf(p) } });
  }

  /** Applies edits to an open document like typing would: one didChange, incremental. */
  async edit(p: string, edits: readonly TextEdit[]): Promise<number> {
    const d = this.docs.get(uriOf(p));
    if (d === undefined) {
      throw new Error(`${p} is not open`);
    }
    const { text, changes } = applyTextEdits(d.text, edits);
    d.text = text;
    d.version++;
    this.sent.push(`didChange ${path.basename(p)} v${d.version}`);
    await this.notify(DidChangeTextDocumentNotification.method, {
      textDocument: { uri: uriOf(p), version: d.version },
      contentChanges: changes,
    });
    return d.version;
  }

  /** Writes the open document to disk and tells the server, like Ctrl+S. */
  async save(p: string): Promise<void> {
    const d = this.docs.get(uriOf(p));
    if (d === undefined) {
      throw new Error(`${p} is not open`);
    }
    fs.writeFileSync(p, d.text);
    this.sent.push(`didSave ${path.basename(p)}`);
    await this.notify(DidSaveTextDocumentNotification.method, { textDocument: { uri: uriOf(p) }, text: d.text });
    await this.watched([{ uri: uriOf(p), type: FileChangeType.Changed }]);
  }

  // --- files on disk -----------------------------------------------------

  private matchesWatcher(p: string, type: FileChangeType): boolean {
    for (const list of this.watchers.values()) {
      for (const w of list) {
        const kind = w.kind ?? 7;
        const bit = type === FileChangeType.Created ? 1 : type === FileChangeType.Changed ? 2 : 4;
        if ((kind & bit) === 0) {
          continue;
        }
        let glob: string;
        let target = p;
        if (typeof w.globPattern === 'string') {
          glob = w.globPattern;
        } else {
          const base = typeof w.globPattern.baseUri === 'string' ? w.globPattern.baseUri : w.globPattern.baseUri.uri;
          target = path.relative(pathOf(base), p);
          glob = w.globPattern.pattern;
        }
        if (minimatch(target.split(path.sep).join('/'), glob, { dot: true })) {
          return true;
        }
      }
    }
    return false;
  }

  /** Reports file-system events the way VS Code's watcher does: only those the server asked for. */
  async watched(events: FileEvent[]): Promise<void> {
    const wanted = events.filter((e) => this.matchesWatcher(pathOf(e.uri), e.type));
    if (wanted.length === 0) {
      return;
    }
    this.sent.push(`didChangeWatchedFiles ${wanted.map((e) => `${['', 'created', 'changed', 'deleted'][e.type]} ${path.basename(pathOf(e.uri))}`).join(', ')}`);
    await this.notify(DidChangeWatchedFilesNotification.method, { changes: wanted });
  }

  private fileOpMatches(method: string, p: string, isDir: boolean): boolean {
    for (const f of this.fileOps.get(method) ?? []) {
      if (f.scheme !== undefined && f.scheme !== 'file') {
        continue;
      }
      if (f.pattern.matches === 'file' && isDir) continue;
      if (f.pattern.matches === 'folder' && !isDir) continue;
      if (minimatch(p.split(path.sep).join('/'), f.pattern.glob, { dot: true, nocase: f.pattern.options?.ignoreCase === true })) {
        return true;
      }
    }
    return false;
  }

  // --- workspace edits ---------------------------------------------------

  /**
   * Applies a WorkspaceEdit as VS Code's bulk edit service does: resource
   * operations run their file-operation participants (will*), happen on disk,
   * then did* and watcher events follow; a renamed open document is closed
   * under its old name and opened under the new one; text edits go to the
   * document (opening it if needed), which is then saved, as VS Code does for
   * files changed by a refactoring.
   */
  async applyWorkspaceEdit(edit: WorkspaceEdit, participants = true): Promise<void> {
    this.appliedEdits.push(edit);
    if (edit.documentChanges !== undefined) {
      for (const change of edit.documentChanges) {
        if ('kind' in change) {
          if (change.kind === 'rename') {
            await this.renameFile(pathOf(change.oldUri), pathOf(change.newUri), change.options, participants);
          } else if (change.kind === 'create') {
            await this.createFile(pathOf(change.uri), change.options, participants);
          } else if (change.kind === 'delete') {
            await this.deleteFile(pathOf(change.uri), change.options, participants);
          }
        } else {
          const p = pathOf(change.textDocument.uri);
          const open = this.docs.get(change.textDocument.uri);
          if (open !== undefined && change.textDocument.version !== null && change.textDocument.version !== open.version) {
            throw new Error(`edit for ${p} targets version ${change.textDocument.version}, document is at ${open.version}`);
          }
          await this.editFile(p, change.edits as TextEdit[]);
        }
      }
    }
    if (edit.changes !== undefined) {
      for (const [uri, edits] of Object.entries(edit.changes)) {
        await this.editFile(pathOf(uri), edits);
      }
    }
  }

  private async editFile(p: string, edits: TextEdit[]): Promise<void> {
    if (!this.isOpen(p)) {
      if (languageIdFor(p) !== undefined) {
        await this.open(p);
      } else {
        // Not in the selector: the server never sees the document, only the file.
        const { text } = applyTextEdits(fs.readFileSync(p, 'utf8'), edits);
        fs.writeFileSync(p, text);
        await this.watched([{ uri: uriOf(p), type: FileChangeType.Changed }]);
        return;
      }
    }
    await this.edit(p, edits);
    await this.save(p);
  }

  private async renameFile(from: string, to: string, options: { overwrite?: boolean; ignoreIfExists?: boolean } | undefined, participants: boolean): Promise<void> {
    if (fs.existsSync(to) && !options?.overwrite) {
      if (options?.ignoreIfExists) return;
      throw new Error(`rename target ${to} exists`);
    }
    const isDir = fs.statSync(from).isDirectory();
    const files = [{ oldUri: uriOf(from), newUri: uriOf(to) }];
    if (participants && this.fileOpMatches(WillRenameFilesRequest.method, from, isDir)) {
      this.sent.push(`willRenameFiles ${path.basename(from)} -> ${path.basename(to)}`);
      const extra = await this.request<WorkspaceEdit | null>(WillRenameFilesRequest.method, { files });
      if (extra !== null && extra !== undefined) {
        await this.applyWorkspaceEdit(extra, false);
      }
    }
    const wasOpen = this.docs.get(uriOf(from));
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.renameSync(from, to);
    if (wasOpen !== undefined) {
      await this.close(from);
      await this.open(to);
    }
    if (this.fileOpMatches(DidRenameFilesNotification.method, from, isDir)) {
      this.sent.push(`didRenameFiles ${path.basename(from)} -> ${path.basename(to)}`);
      await this.notify(DidRenameFilesNotification.method, { files });
    }
    await this.watched([
      { uri: uriOf(from), type: FileChangeType.Deleted },
      { uri: uriOf(to), type: FileChangeType.Created },
    ]);
  }

  private async createFile(p: string, options: { overwrite?: boolean; ignoreIfExists?: boolean } | undefined, participants: boolean): Promise<void> {
    const exists = fs.existsSync(p);
    if (exists && !options?.overwrite) {
      if (options?.ignoreIfExists) return;
      throw new Error(`create target ${p} exists`);
    }
    const files = [{ uri: uriOf(p) }];
    if (participants && this.fileOpMatches(WillCreateFilesRequest.method, p, false)) {
      const extra = await this.request<WorkspaceEdit | null>(WillCreateFilesRequest.method, { files });
      if (extra) await this.applyWorkspaceEdit(extra, false);
    }
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, '');
    this.sent.push(`create ${path.basename(p)}`);
    if (this.fileOpMatches(DidCreateFilesNotification.method, p, false)) {
      await this.notify(DidCreateFilesNotification.method, { files });
    }
    await this.watched([{ uri: uriOf(p), type: exists ? FileChangeType.Changed : FileChangeType.Created }]);
  }

  private async deleteFile(p: string, options: { recursive?: boolean; ignoreIfNotExists?: boolean } | undefined, participants: boolean): Promise<void> {
    if (!fs.existsSync(p)) {
      if (options?.ignoreIfNotExists) return;
      throw new Error(`delete target ${p} does not exist`);
    }
    const isDir = fs.statSync(p).isDirectory();
    const files = [{ uri: uriOf(p) }];
    if (participants && this.fileOpMatches(WillDeleteFilesRequest.method, p, isDir)) {
      const extra = await this.request<WorkspaceEdit | null>(WillDeleteFilesRequest.method, { files });
      if (extra) await this.applyWorkspaceEdit(extra, false);
    }
    if (this.isOpen(p)) {
      await this.close(p);
    }
    fs.rmSync(p, { recursive: options?.recursive === true });
    this.sent.push(`delete ${path.basename(p)}`);
    if (this.fileOpMatches(DidDeleteFilesNotification.method, p, isDir)) {
      await this.notify(DidDeleteFilesNotification.method, { files });
    }
    await this.watched([{ uri: uriOf(p), type: FileChangeType.Deleted }]);
  }

  // --- lifecycle ---------------------------------------------------------

  /**
   * Stops the server as vscode-languageclient does: shutdown, exit, end of the
   * connection (the server's stdin closes), and a kill when the process has not
   * died within 2 s. Resolves with how the process ended.
   */
  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.exited) {
      try {
        await this.request(ShutdownRequest.method, undefined);
        await this.notify(ExitNotification.method);
      } catch {
        // The process is killed below either way.
      }
      this.conn.end();
    }
    const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) {
        resolve({ code: this.proc.exitCode, signal: this.proc.signalCode });
        return;
      }
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 2_000);
      this.proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal });
      });
    });
    this.conn.dispose();
    return ended;
  }

  /** Last resort for test teardown. */
  kill(): void {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill('SIGKILL');
    }
  }
}

export function rangeText(text: string, r: Range): string {
  return text.slice(offsetAt(text, r.start), offsetAt(text, r.end));
}
