// End-to-end over the real protocol: the built `cloudwerk-lsp serve` on stdio,
// driven like VS Code drives it. An app with a duplicate object name
// (chat-room.ts + chatRoom.ts) and an invalid one (Counter.ts) gets its
// diagnostics; the invalid name is fixed by applying the server's quick fix the
// way VS Code applies a WorkspaceEdit, the duplicate by the user's edit (or a
// quick fix when the server offers one); the diagnostics clear. Hover and
// completion are checked once; then the generate source action (CreateFile),
// the generate command, a file rename recording renamed_classes, and a clean exit.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import {
  CodeActionRequest,
  CodeActionResolveRequest,
  CodeActionTriggerKind,
  CompletionRequest,
  CompletionTriggerKind,
  ExecuteCommandRequest,
  HoverRequest,
  MarkupContent,
  type CodeAction,
  type Command,
  type CompletionItem,
  type CompletionList,
  type Diagnostic,
  type Hover,
} from 'vscode-languageserver-protocol/node';
import { LspClient, pathOf, positionOf, rangeText, uriOf } from './lspClient';
import { vscodeClientCapabilities } from './vscodeCapabilities';

const TIMEOUT_MS = 20_000;
const FIXTURE = path.join(__dirname, '..', '..', 'testdata', 'dup-app');

const bin = process.env.CLOUDWERK_LSP_BIN;

function codesOf(diags: Diagnostic[] | undefined): string[] {
  return (diags ?? []).map((d) => String(d.code));
}

/** The file names that currently carry a diagnostic with one of codes. */
function filesWith(client: LspClient, codes: string[]): string[] {
  const out: string[] = [];
  for (const [uri, diags] of client.diagnostics) {
    if (diags.some((d) => codes.includes(String(d.code)))) {
      out.push(path.basename(pathOf(uri)));
    }
  }
  return out.sort();
}

function isCodeAction(a: CodeAction | Command): a is CodeAction {
  return typeof (a as Command).command !== 'string';
}

function hoverText(h: Hover): string {
  const c = h.contents;
  if (MarkupContent.is(c)) return c.value;
  if (Array.isArray(c)) return c.map((x) => (typeof x === 'string' ? x : x.value)).join('\n');
  return typeof c === 'string' ? c : c.value;
}

describe('cloudwerk-lsp serve, driven like VS Code', { timeout: 120_000 }, () => {
  let root: string;
  let client: LspClient;
  // The steps build on each other: after a failure the rest are skipped, not failed.
  let failed: string | undefined;
  const step = (name: string, fn: () => Promise<void>) =>
    it(name, async (t: TestContext) => {
      if (failed !== undefined) {
        t.skip(`skipped: "${failed}" failed`);
        return;
      }
      try {
        await fn();
      } catch (err) {
        failed = name;
        throw err;
      }
    });
  const objects = () => path.join(root, 'app', 'objects');
  const file = (...p: string[]) => path.join(root, ...p);

  before(async () => {
    assert.ok(bin, 'CLOUDWERK_LSP_BIN must name the built server (test.sh sets it)');
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cloudwerk-vscode-e2e-')));
    fs.cpSync(FIXTURE, root, { recursive: true });
    client = LspClient.spawn({ bin, args: ['serve'], root, capabilities: vscodeClientCapabilities, timeoutMs: TIMEOUT_MS });
    // Never leave a server behind, even when the runner is interrupted.
    process.once('exit', () => client.kill());
  });

  after(async () => {
    if (client !== undefined) {
      if (client.proc.exitCode === null && client.proc.signalCode === null) {
        await client.stop();
      }
      client.kill();
      if (process.env.CLOUDWERK_E2E_VERBOSE) {
        const wrangler = path.join(root, 'wrangler.toml');
        const ledger = fs.existsSync(wrangler) ? fs.readFileSync(wrangler, 'utf8') : '(none)';
        console.log(`sent:\n${client.sent.join('\n')}\npublished:\n${client.publishLog.join('\n')}\nwrangler.toml:\n${ledger}`);
      }
    }
    if (root !== undefined) {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  step('initializes with what the extension relies on', async () => {
    const res = await client.initialize();
    const caps = res.capabilities;
    assert.ok(caps.codeActionProvider, 'codeActionProvider');
    assert.ok(caps.hoverProvider, 'hoverProvider');
    assert.ok(caps.completionProvider, 'completionProvider');
    assert.equal(res.serverInfo?.name, 'cloudwerk-lsp');
  });

  step('registers client-side file watching (VS Code offers dynamic registration)', async () => {
    await client.waitFor('client/registerCapability for workspace/didChangeWatchedFiles', () => (client.hasWatchers() ? true : undefined));
  });

  step('reports INVALID_NAME and DUPLICATE_NAME on every file involved', async () => {
    for (const f of ['Counter.ts', 'chat-room.ts', 'chatRoom.ts']) {
      await client.open(path.join(objects(), f));
    }
    await client.waitFor('INVALID_NAME on Counter.ts', () =>
      codesOf(client.diagnostics.get(uriOf(path.join(objects(), 'Counter.ts')))).includes('INVALID_NAME') ? true : undefined,
    );
    await client.waitFor('DUPLICATE_NAME on chat-room.ts and chatRoom.ts', () =>
      ['chat-room.ts', 'chatRoom.ts'].every((f) => codesOf(client.diagnostics.get(uriOf(path.join(objects(), f)))).includes('DUPLICATE_NAME'))
        ? true
        : undefined,
    );
    const dup = client.diagnostics.get(uriOf(path.join(objects(), 'chat-room.ts')))!.find((d) => d.code === 'DUPLICATE_NAME')!;
    assert.equal(dup.severity, 1, 'DUPLICATE_NAME is an error');
    assert.ok(
      dup.relatedInformation?.some((r) => r.location.uri === uriOf(path.join(objects(), 'chatRoom.ts'))),
      `related information points at the other file: ${JSON.stringify(dup.relatedInformation)}`,
    );
  });

  step('fixes INVALID_NAME with the preferred quick fix, applied as VS Code applies it', async () => {
    const counter = path.join(objects(), 'Counter.ts');
    const diag = client.diagnostics.get(uriOf(counter))!.find((d) => d.code === 'INVALID_NAME')!;
    const actions = await client.request<(CodeAction | Command)[] | null>(CodeActionRequest.method, {
      textDocument: { uri: uriOf(counter) },
      range: diag.range,
      context: { diagnostics: [diag], triggerKind: CodeActionTriggerKind.Invoked },
    });
    const codeActions = (actions ?? []).filter(isCodeAction);
    const quickFixes = codeActions.filter((a) => a.kind === 'quickfix' || a.kind?.startsWith('quickfix.'));
    // What VS Code's lightbulb / "Auto Fix" picks: the preferred quick fix.
    const chosen = quickFixes.find((a) => a.isPreferred === true);
    assert.ok(chosen, `a preferred quick fix for INVALID_NAME, got ${JSON.stringify(actions)}`);
    assert.match(chosen.title, /counter\.ts/, 'the fix renames Counter.ts to counter.ts');
    assert.ok(chosen.diagnostics?.some((d) => d.code === 'INVALID_NAME'), 'the fix names the diagnostic it fixes');
    await runCodeAction(chosen);

    assert.ok(fs.existsSync(path.join(objects(), 'counter.ts')), 'counter.ts exists after the fix');
    assert.deepEqual(
      fs.readdirSync(objects()).filter((f) => f.toLowerCase() === 'counter.ts'),
      ['counter.ts'],
      'Counter.ts is gone',
    );
    await client.waitFor('INVALID_NAME to clear', () => (filesWith(client, ['INVALID_NAME']).length === 0 ? true : undefined));
    assert.deepEqual(client.diagnostics.get(uriOf(counter)) ?? [], [], 'the old file name has its diagnostics cleared');
  });

  /** Runs a code action as VS Code does: resolve when needed, apply its edit, then run its command. */
  async function runCodeAction(chosen: CodeAction): Promise<void> {
    let action = chosen;
    const provider = client.capabilities.codeActionProvider;
    if (action.edit === undefined && typeof provider === 'object' && provider.resolveProvider === true) {
      action = await client.request<CodeAction>(CodeActionResolveRequest.method, action);
    }
    assert.ok(action.edit !== undefined || action.command !== undefined, `the action does something: ${JSON.stringify(action)}`);
    if (action.edit !== undefined) {
      assert.ok(action.edit.documentChanges, 'VS Code offers documentChanges, so the server uses them');
      await client.applyWorkspaceEdit(action.edit);
    }
    if (action.command !== undefined) {
      await client.request(ExecuteCommandRequest.method, { command: action.command.command, arguments: action.command.arguments });
    }
  }

  step('clears DUPLICATE_NAME once the names differ', async () => {
    const lobby = path.join(objects(), 'chatRoom.ts');
    const diag = client.diagnostics.get(uriOf(lobby))!.find((d) => d.code === 'DUPLICATE_NAME')!;
    const actions = await client.request<(CodeAction | Command)[] | null>(CodeActionRequest.method, {
      textDocument: { uri: uriOf(lobby) },
      range: diag.range,
      context: { diagnostics: [diag], triggerKind: CodeActionTriggerKind.Invoked },
    });
    const fix = (actions ?? []).filter(isCodeAction).find((a) => a.kind === 'quickfix' && a.isPreferred === true);
    if (fix !== undefined) {
      await runCodeAction(fix);
    } else {
      // No quick fix for duplicates: the user gives the object an explicit name,
      // typing into the open editor (the runtime's `name` override).
      const text = client.text(lobby);
      await client.edit(lobby, [{ range: { start: positionOf(text, 'sqlite: true'), end: positionOf(text, 'sqlite: true') }, newText: "name: 'lobby',\n  " }]);
      assert.match(client.text(lobby), /name: 'lobby',\n {2}sqlite: true/);
    }
    await client.waitFor('DUPLICATE_NAME to clear on both files', () => (filesWith(client, ['DUPLICATE_NAME']).length === 0 ? true : undefined));
    assert.deepEqual(filesWith(client, ['DUPLICATE_NAME', 'INVALID_NAME']), []);
  });

  step('hovers a durable object reference in a route', async () => {
    const route = file('app', 'routes', 'api', 'rooms', 'route.ts');
    await client.open(route);
    const text = client.text(route);
    const hover = await client.request<Hover | null>(HoverRequest.method, {
      textDocument: { uri: uriOf(route) },
      position: positionOf(text, 'durableObjects.Counter.get', 'durableObjects.'.length + 2),
    });
    assert.ok(hover, 'hover over durableObjects.Counter');
    const shown = hoverText(hover);
    assert.match(shown, /COUNTER/, `hover names the binding: ${shown}`);
    assert.match(shown, /Counter/, `hover names the class: ${shown}`);
    assert.match(shown, /increment/, `hover lists the methods: ${shown}`);
    if (hover.range !== undefined) {
      assert.equal(rangeText(text, hover.range), 'Counter');
    }
  });

  step('completes object names after `durableObjects.`', async () => {
    const route = file('app', 'routes', 'api', 'rooms', 'route.ts');
    const text = client.text(route);
    const at = positionOf(text, '  return Response.json');
    await client.edit(route, [{ range: { start: at, end: at }, newText: '  durableObjects.\n' }]);
    const position = { line: at.line, character: '  durableObjects.'.length };
    const res = await client.request<CompletionList | CompletionItem[] | null>(CompletionRequest.method, {
      textDocument: { uri: uriOf(route) },
      position,
      context: { triggerKind: CompletionTriggerKind.TriggerCharacter, triggerCharacter: '.' },
    });
    const items = Array.isArray(res) ? res : (res?.items ?? []);
    const labels = items.map((i) => i.label);
    // counter.ts (renamed) and the two chat objects (now chatRoom and lobby).
    for (const want of [/^counter$/i, /^chatRoom$/i, /^lobby$/i]) {
      assert.ok(labels.some((l) => want.test(l)), `completion offers ${want}: ${JSON.stringify(labels)}`);
    }
  });

  step('regenerates through the source action (CreateFile + edits), applied as VS Code applies it', async () => {
    const counter = path.join(objects(), 'counter.ts');
    const actions = await client.request<(CodeAction | Command)[] | null>(CodeActionRequest.method, {
      textDocument: { uri: uriOf(counter) },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.cloudwerk.generate'], triggerKind: CodeActionTriggerKind.Invoked },
    });
    const generate = (actions ?? []).filter(isCodeAction).find((a) => a.kind === 'source.cloudwerk.generate');
    assert.ok(generate, `a generate source action, got ${JSON.stringify(actions)}`);
    const creates = (generate.edit?.documentChanges ?? []).filter((c) => 'kind' in c && c.kind === 'create');
    assert.ok(creates.length > 0, 'new generated files arrive as CreateFile (VS Code supports resource operations)');
    await runCodeAction(generate);

    const types = fs.readFileSync(file('.cloudwerk', 'types', 'durable-objects.d.ts'), 'utf8');
    assert.match(types, /increment/, 'the types declare counter.increment');
    assert.match(types, /join/, 'the types declare lobby.join');
    const wrangler = fs.readFileSync(file('wrangler.toml'), 'utf8');
    for (const cls of ['Counter', 'ChatRoom', 'Lobby']) {
      assert.match(wrangler, new RegExp(`class_name = "${cls}"`), `wrangler.toml binds ${cls}`);
    }
    assert.match(wrangler, /\[\[migrations\]\][\s\S]*new_sqlite_classes/, 'wrangler.toml records the SQLite classes');
    await client.waitFor('no GENERATED_STALE, BINDING_MISSING or MIGRATION_MISSING left', () =>
      filesWith(client, ['GENERATED_STALE', 'BINDING_MISSING', 'MIGRATION_MISSING']).length === 0 ? true : undefined,
    );
  });

  step('runs cloudwerk.generate as the extension command does, with nothing left to write', async () => {
    const before = fs.readFileSync(file('wrangler.toml'), 'utf8');
    const res = await client.request<unknown>(ExecuteCommandRequest.method, { command: 'cloudwerk.generate', arguments: [] });
    assert.equal(res, 'cloudwerk: generate updated 0 files');
    assert.equal(fs.readFileSync(file('wrangler.toml'), 'utf8'), before, 'a second generate changes zero bytes');
  });

  step('renaming an object file (explorer rename) records renamed_classes, never deleted_classes', async () => {
    const from = path.join(objects(), 'chat-room.ts');
    const to = path.join(objects(), 'chat-lobby.ts');
    // VS Code's explorer rename goes through the same file operation as a WorkspaceEdit rename.
    await client.applyWorkspaceEdit({ documentChanges: [{ kind: 'rename', oldUri: uriOf(from), newUri: uriOf(to) }] });
    assert.ok(client.sent.includes('willRenameFiles chat-room.ts -> chat-lobby.ts'), 'the server was asked before the rename');
    const wrangler = fs.readFileSync(file('wrangler.toml'), 'utf8');
    assert.match(wrangler, /renamed_classes\s*=\s*\[\s*\{\s*from\s*=\s*"ChatRoom"\s*,\s*to\s*=\s*"ChatLobby"\s*\}/, `renamed_classes recorded:\n${wrangler}`);
    assert.doesNotMatch(wrangler, /deleted_classes/);
    // willRenameFiles, didRenameFiles and the watcher all saw the rename: it is recorded once.
    assert.equal(wrangler.match(/renamed_classes/g)?.length, 1, wrangler);
    assert.match(wrangler, /class_name = "ChatLobby"/);
    await client.waitFor('no ORPHANED_CLASS or MIGRATION_MISSING after the rename', () =>
      client.diagnostics.has(uriOf(to)) && filesWith(client, ['ORPHANED_CLASS', 'MIGRATION_MISSING', 'BINDING_MISSING']).length === 0 ? true : undefined,
    );
  });

  step('exits with code 0 when stopped as VS Code stops it (shutdown, exit, end of input)', async () => {
    assert.deepEqual(await client.stop(), { code: 0, signal: null });
  });
});
