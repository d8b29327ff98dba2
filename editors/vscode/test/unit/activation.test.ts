// Activates the real extension module against a fake `vscode` to check the
// wiring the pure modules cannot: commands, and the errors a user sees when the
// server is missing or is not cloudwerk-lsp.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SETTINGS_RETRY_MS } from '../../src/settings';
import { activateWith, FakeVscode, type FakeSettings } from '../support/fakeVscode';

type ExtensionModule = typeof import('../../src/extension');

let dir: string;

function settings(over: Partial<FakeSettings> = {}): FakeSettings {
  return {
    'cloudwerk.server.path': { defaultValue: '' },
    'cloudwerk.server.args': { defaultValue: [] },
    'cloudwerk.trace.server': { defaultValue: 'off' },
    ...over,
  };
}

// test.sh runs this file again against the esbuild bundle (what the .vsix
// ships) by setting CLOUDWERK_EXTENSION_BUNDLE.
const activate = (fake: FakeVscode) => activateWith<ExtensionModule>(fake);

/** Lets the fire-and-forget error handlers run. */
const settle = () => new Promise((r) => setTimeout(r, 20));

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudwerk-vscode-unit-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('activate', () => {
  it('registers its commands and explains a server path that points nowhere', async () => {
    const missing = path.join(dir, 'no-such-cloudwerk-lsp');
    const fake = new FakeVscode(settings({ 'cloudwerk.server.path': { globalValue: missing } }));
    const ext = await activate(fake);
    await settle();
    assert.deepEqual([...fake.commands.keys()].sort(), ['cloudwerk.generate', 'cloudwerk.restartServer', 'cloudwerk.showOutput']);
    assert.equal(fake.errors.length, 1);
    assert.equal(
      fake.errors[0].message,
      `Cloudwerk: cannot start the language server: cloudwerk.server.path points to ${missing}, which is not an executable file. Fix the setting or clear it to use PATH.`,
    );
    assert.deepEqual(fake.errors[0].items, ['Open Settings', 'Show Install Instructions']);
    await ext.deactivate();
  });

  it('opens the settings or shows install instructions, as the user picks', async () => {
    const fake = new FakeVscode(settings({ 'cloudwerk.server.path': { globalValue: path.join(dir, 'nope') } }));
    fake.nextChoice = 'Open Settings';
    const ext = await activate(fake);
    await settle();
    assert.deepEqual(fake.executed, [{ command: 'workbench.action.openSettings', args: ['cloudwerk.server'] }]);

    fake.nextChoice = 'Show Install Instructions';
    await fake.commands.get('cloudwerk.restartServer')!();
    await settle();
    const shown = fake.output.join('\n');
    assert.match(shown, /go install github\.com\/cloudwerk\/cloudwerk-lsp\/cmd\/cloudwerk-lsp@latest/);
    assert.match(shown, /<shown>/);
    await ext.deactivate();
  });

  it('refuses a binary that is not cloudwerk-lsp', async (t) => {
    if (process.platform === 'win32') {
      t.skip('uses a shell script');
      return;
    }
    const impostor = path.join(dir, 'impostor');
    fs.writeFileSync(impostor, '#!/bin/sh\necho "gopls v0.16.0"\n', { mode: 0o755 });
    const fake = new FakeVscode(settings({ 'cloudwerk.server.path': { globalValue: impostor } }));
    const ext = await activate(fake);
    await settle();
    assert.equal(fake.errors.length, 1);
    assert.match(fake.errors[0].message, /does not look like cloudwerk-lsp/);
    assert.match(fake.errors[0].message, /gopls v0\.16\.0/);
    await ext.deactivate();
  });

  it('ignores a workspace server path in an untrusted workspace', async () => {
    const fake = new FakeVscode(
      settings({
        'cloudwerk.server.path': { workspaceValue: './evil' },
        'cloudwerk.server.args': { workspaceValue: ['--evil'] },
      }),
      false,
      dir,
    );
    // With PATH emptied, the lookup can only fail on PATH, never run ./evil.
    const savedPath = process.env.PATH;
    process.env.PATH = '';
    try {
      const ext = await activate(fake);
      await settle();
      assert.ok(fake.output.includes('warn: cloudwerk.server.path from the workspace is ignored because the workspace is not trusted'), fake.output.join('\n'));
      assert.ok(fake.output.includes('warn: cloudwerk.server.args from the workspace is ignored because the workspace is not trusted'));
      assert.equal(fake.errors.length, 1);
      assert.match(fake.errors[0].message, /cloudwerk-lsp was not found on PATH\. Install it or set cloudwerk\.server\.path/);
      await ext.deactivate();
    } finally {
      process.env.PATH = savedPath;
    }
  });

  // code-server delivered the user settings to the extension host after activation in
  // half the runs: the first lookup saw an empty path. An impostor binary makes the
  // second lookup visible (its error names it) without starting a language client.
  for (const withEvent of [true, false]) {
    it(`reads user settings that arrive after activation (${withEvent ? 'with' : 'without'} a change event)`, async (t) => {
      if (process.platform === 'win32') {
        t.skip('uses a shell script');
        return;
      }
      const impostor = path.join(dir, `late-${withEvent}`);
      fs.writeFileSync(impostor, '#!/bin/sh\necho "late 1.0"\n', { mode: 0o755 });
      const fake = new FakeVscode(settings());
      const savedPath = process.env.PATH;
      process.env.PATH = '';
      try {
        const began = Date.now();
        const activated = activate(fake);
        await settle();
        assert.equal(fake.errors.length, 0, 'no error before the settings had their chance');
        fake.settings['cloudwerk.server.path'] = { globalValue: impostor };
        if (withEvent) {
          fake.changeConfiguration(['cloudwerk.server.path']);
        }
        const ext = await activated;
        await settle();
        assert.equal(fake.errors.length, 1, fake.errors.map((e) => e.message).join('\n'));
        assert.match(fake.errors[0].message, /late 1\.0/, 'the second lookup used the late setting');
        const waited = Date.now() - began;
        if (withEvent) {
          assert.ok(waited < SETTINGS_RETRY_MS, `the change event ends the wait (waited ${waited} ms)`);
        } else {
          assert.ok(waited >= SETTINGS_RETRY_MS - 50, `waited ${waited} ms`);
        }
        await ext.deactivate();
      } finally {
        process.env.PATH = savedPath;
      }
    });
  }

  it('restarts when a server setting changes, not for trace', async () => {
    const fake = new FakeVscode(settings({ 'cloudwerk.server.path': { globalValue: path.join(dir, 'a') } }));
    const ext = await activate(fake);
    await settle();
    assert.equal(fake.errors.length, 1);
    fake.changeConfiguration(['cloudwerk.trace.server']);
    await settle();
    assert.equal(fake.errors.length, 1, 'trace changes are handled by the client itself');
    fake.settings['cloudwerk.server.path'] = { globalValue: path.join(dir, 'b') };
    fake.changeConfiguration(['cloudwerk.server.path']);
    await settle();
    assert.equal(fake.errors.length, 2);
    assert.match(fake.errors[1].message, /points to .*\/b, which/);
    await ext.deactivate();
  });
});
