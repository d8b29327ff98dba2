import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildServerArgs } from '../../src/args';
import { withoutOwnedCommands } from '../../src/commands';
import { installInstructions, notFoundError } from '../../src/messages';

describe('buildServerArgs', () => {
  const cases: [string[], string[]][] = [
    [[], ['serve']],
    [['--log-file', '/tmp/l.log'], ['serve', '--log-file', '/tmp/l.log']],
    [['serve', '--log-file', 'x'], ['serve', '--log-file', 'x']],
    [['--stdio'], ['--stdio']],
    [['', '--verbose'], ['serve', '--verbose']],
  ];
  for (const [user, want] of cases) {
    it(JSON.stringify(user), () => assert.deepEqual(buildServerArgs(user), want));
  }
  it('does not modify its input', () => {
    const user = ['serve'];
    buildServerArgs(user).push('x');
    assert.deepEqual(user, ['serve']);
  });
});

describe('withoutOwnedCommands', () => {
  it('drops the commands the extension registers itself', () => {
    assert.deepEqual(withoutOwnedCommands(['cloudwerk.generate', 'cloudwerk.applyFix', 'cloudwerk.restartServer']), ['cloudwerk.applyFix']);
  });
  it('accepts a server without commands', () => {
    assert.deepEqual(withoutOwnedCommands(undefined), []);
  });
});

describe('messages', () => {
  it('names the cause and offers both actions when PATH has no binary', () => {
    const e = notFoundError({ found: false, source: 'PATH', tried: ['/a/cloudwerk-lsp'], reason: 'cloudwerk-lsp was not found on PATH' });
    assert.equal(
      e.message,
      'Cloudwerk: cannot start the language server: cloudwerk-lsp was not found on PATH. Install it or set cloudwerk.server.path to the binary.',
    );
    assert.deepEqual(e.actions, ['Open Settings', 'Show Install Instructions']);
  });
  it('tells the user to fix a wrong setting', () => {
    const e = notFoundError({ found: false, source: 'setting', tried: ['/x'], reason: 'bad' });
    assert.match(e.message, /Fix the setting or clear it to use PATH\.$/);
  });
  it('lists where it looked, capped', () => {
    const tried = Array.from({ length: 25 }, (_, i) => `/d${i}/cloudwerk-lsp`);
    const text = installInstructions({ found: false, source: 'PATH', tried, reason: 'r' });
    assert.match(text, /go install github\.com\/cloudwerk\/cloudwerk-lsp\/cmd\/cloudwerk-lsp@latest/);
    assert.match(text, /\/d19\/cloudwerk-lsp\n {2}\.\.\. and 5 more$/);
    assert.doesNotMatch(text, /\/d20\//);
  });
});
