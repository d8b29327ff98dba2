// The extension itself, activated in a stand-in extension host (test/support's
// fake `vscode`), running the real vscode-languageclient against the built
// server: the binary is verified and started, the server's own commands are
// registered next to the extension's without clashing, "Cloudwerk: Generate"
// reaches the server and writes files, restart and deactivate stop the process.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { activateWith, FakeVscode } from '../support/fakeVscode';

type ExtensionModule = typeof import('../../src/extension');

const bin = process.env.CLOUDWERK_LSP_BIN;
// The repository's demo app: valid objects, a route, and a wrangler.toml with a v1 ledger.
const FIXTURE = path.join(__dirname, '..', '..', '..', '..', 'examples', 'demo-app');

/** Server processes started from bin (Linux: read from /proc). */
function serverProcesses(): number[] {
  if (process.platform !== 'linux' || bin === undefined) {
    return [];
  }
  const out: number[] = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (argv[0] === bin && argv[1] === 'serve') {
        out.push(Number(pid));
      }
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the extension with the real server', { timeout: 60_000 }, () => {
  let root: string;
  let fake: FakeVscode;
  let ext: ExtensionModule | undefined;

  before(() => {
    assert.ok(bin, 'CLOUDWERK_LSP_BIN must name the built server (test.sh sets it)');
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cloudwerk-vscode-ext-')));
    fs.cpSync(FIXTURE, root, { recursive: true });
    fake = new FakeVscode(
      {
        'cloudwerk.server.path': { globalValue: bin },
        'cloudwerk.server.args': { globalValue: ['--log-level', 'debug'] },
        'cloudwerk.trace.server': { defaultValue: 'off' },
      },
      true,
      root,
    );
  });

  after(async () => {
    await ext?.deactivate();
    for (const pid of serverProcesses()) {
      process.kill(pid, 'SIGKILL');
    }
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('starts the verified server and registers the server commands next to its own', async () => {
    ext = await activateWith<ExtensionModule>(fake);
    assert.deepEqual(fake.errors, [], fake.output.join('\n'));
    const started = fake.output.filter((l) => l.startsWith('info: starting '));
    assert.deepEqual(started, [`info: starting ${bin} serve --log-level debug (cloudwerk-lsp 0.1.0, from setting)`]);
    // cloudwerk.generate is the extension's (it forwards to the server); the
    // client registered the server's other commands without a clash.
    assert.ok(fake.commands.has('cloudwerk.renameFiles'), `server commands: ${[...fake.commands.keys()].join(', ')}`);
    for (const c of ['cloudwerk.generate', 'cloudwerk.restartServer', 'cloudwerk.showOutput']) {
      assert.ok(fake.commands.has(c), c);
    }
    assert.equal(serverProcesses().length, process.platform === 'linux' ? 1 : 0);
  });

  it('runs Cloudwerk: Generate through the server', async () => {
    // The server reports its initial scan as work-done progress; generate sees the apps after it.
    await until('the initial scan to end', () => (fake.progressDone.some((t) => /scanning/i.test(t)) ? true : undefined));
    const result = await fake.commands.get('cloudwerk.generate')!();
    assert.match(String(result), /^cloudwerk: generate updated [1-9]\d* files?(;|$)/);
    // generate records only facts: the new KV-backed RateLimiter waits for `sqlite: true`.
    assert.match(String(result), /not bound or migrated \(see their diagnostics\): .*RateLimiter/);
    assert.deepEqual(fake.infos, [result]);
    const types = fs.readFileSync(path.join(root, '.cloudwerk', 'types', 'durable-objects.d.ts'), 'utf8');
    assert.match(types, /increment\(/, 'counter.increment is typed');
    const wrangler = fs.readFileSync(path.join(root, 'wrangler.toml'), 'utf8');
    assert.match(wrangler, /class_name = "Analytics"/, 'the missing SQLite binding was added');
    assert.doesNotMatch(wrangler, /class_name = "RateLimiter"/, 'the KV-backed class is left for the user to decide');
    assert.match(wrangler, /tag = "v2"/, 'the ledger got one new entry');
    assert.match(String(await fake.commands.get('cloudwerk.generate')!()), /^cloudwerk: generate updated 0 files(;|$)/);
  });

  it('restarts with a new server process', async () => {
    const before = serverProcesses();
    await fake.commands.get('cloudwerk.restartServer')!();
    assert.deepEqual(fake.errors, [], fake.output.join('\n'));
    assert.equal(fake.output.filter((l) => l.startsWith('info: starting ')).length, 2);
    if (process.platform === 'linux') {
      const now = await until('one new server process', () => {
        const p = serverProcesses();
        return p.length === 1 && p[0] !== before[0] ? p : undefined;
      });
      assert.notEqual(now[0], before[0]);
    }
    assert.ok(fake.commands.has('cloudwerk.renameFiles'), 'the new client registered the server commands again');
  });

  it('stops the server on deactivate', async () => {
    await ext!.deactivate();
    ext = undefined;
    await until('no server process', () => (serverProcesses().length === 0 ? true : undefined));
    assert.equal(fake.commands.has('cloudwerk.renameFiles'), false, 'the client unregistered the server commands');
  });
});
