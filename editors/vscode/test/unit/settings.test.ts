import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { needsRestart, resolveSettings, RESTRICTED_SETTINGS, sameServerSettings, shouldRetryLookup, type RawSettings } from '../../src/settings';

const defaults: RawSettings = {
  path: { defaultValue: '' },
  args: { defaultValue: [] },
  trace: { defaultValue: 'off' },
};

function raw(over: { [K in keyof RawSettings]?: Partial<NonNullable<RawSettings[K]>> }): RawSettings {
  return {
    path: { ...defaults.path, ...over.path },
    args: { ...defaults.args, ...over.args },
    trace: { ...defaults.trace, ...over.trace },
  };
}

describe('resolveSettings', () => {
  it('uses the defaults', () => {
    assert.deepEqual(resolveSettings(defaults, true), { path: '', args: [], trace: 'off', warnings: [] });
  });

  it('lets folder beat workspace beat user settings', () => {
    const s = resolveSettings(
      raw({
        path: { globalValue: '/user/bin', workspaceValue: '/ws/bin', workspaceFolderValue: '/folder/bin' },
        args: { globalValue: ['--a'], workspaceValue: ['--b'] },
        trace: { globalValue: 'messages', workspaceValue: 'verbose' },
      }),
      true,
    );
    assert.deepEqual(s, { path: '/folder/bin', args: ['--b'], trace: 'verbose', warnings: [] });
  });

  it('ignores workspace values of restricted settings in an untrusted workspace', () => {
    const s = resolveSettings(
      raw({
        path: { globalValue: '/user/bin/cloudwerk-lsp', workspaceValue: './evil' },
        args: { workspaceFolderValue: ['--evil'] },
        trace: { workspaceValue: 'verbose' },
      }),
      false,
    );
    assert.equal(s.path, '/user/bin/cloudwerk-lsp');
    assert.deepEqual(s.args, []);
    // trace is not restricted: the workspace may still turn it on.
    assert.equal(s.trace, 'verbose');
    assert.deepEqual(s.warnings, [
      'cloudwerk.server.path from the workspace is ignored because the workspace is not trusted',
      'cloudwerk.server.args from the workspace is ignored because the workspace is not trusted',
    ]);
  });

  it('replaces invalid values by defaults and says so', () => {
    const s = resolveSettings(
      raw({ path: { globalValue: 42 }, args: { globalValue: ['ok', 3] }, trace: { globalValue: 'loud' } }),
      true,
    );
    assert.deepEqual({ path: s.path, args: s.args, trace: s.trace }, { path: '', args: [], trace: 'off' });
    assert.equal(s.warnings.length, 3);
    assert.match(s.warnings[0], /cloudwerk\.server\.path must be a string, got 42/);
    assert.match(s.warnings[1], /cloudwerk\.server\.args must be an array of strings, got \["ok",3\]/);
    assert.match(s.warnings[2], /cloudwerk\.trace\.server must be one of off, messages, verbose, got "loud"/);
  });

  it('trims the path and tolerates missing inspections', () => {
    const s = resolveSettings({ path: { globalValue: '  /x  ' }, args: undefined, trace: undefined }, true);
    assert.deepEqual(s, { path: '/x', args: [], trace: 'off', warnings: [] });
  });
});

describe('needsRestart', () => {
  it('restarts for server settings only', () => {
    assert.equal(needsRestart((s) => 'cloudwerk.server.path'.startsWith(s)), true);
    assert.equal(needsRestart((s) => 'cloudwerk.trace.server'.startsWith(s)), false);
  });
});

describe('shouldRetryLookup', () => {
  it('retries only a failed lookup made with the default path', () => {
    assert.equal(shouldRetryLookup({ path: '' }, { found: false }), true);
    assert.equal(shouldRetryLookup({ path: '' }, { found: true }), false);
    assert.equal(shouldRetryLookup({ path: '/opt/cloudwerk-lsp' }, { found: false }), false);
  });
});

describe('sameServerSettings', () => {
  it('compares the path and the arguments, in order', () => {
    assert.equal(sameServerSettings({ path: '/a', args: ['--x'] }, { path: '/a', args: ['--x'] }), true);
    assert.equal(sameServerSettings({ path: '/a', args: [] }, { path: '/b', args: [] }), false);
    assert.equal(sameServerSettings({ path: '/a', args: ['--x', '--y'] }, { path: '/a', args: ['--y', '--x'] }), false);
    assert.equal(sameServerSettings({ path: '/a', args: ['--x'] }, { path: '/a', args: [] }), false);
  });
});

describe('the contributed server settings', () => {
  // In a remote window (code-server, Remote-SSH, WSL) VS Code drops machine and
  // machine-overridable settings from the local user settings before the extension
  // host sees them: cloudwerk.server.path set in the user settings of code-server
  // reached the extension empty. Window scope applies them there too (the remote
  // machine's own settings still win), and the workspace-trust restriction keeps
  // untrusted workspaces from setting them.
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { scope?: string }> } };
    capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
  };
  for (const key of RESTRICTED_SETTINGS) {
    it(`${key} is read from the user settings in remote windows`, () => {
      const scope = manifest.contributes.configuration.properties[key]?.scope;
      assert.ok(scope === 'window' || scope === 'resource', `${key} has scope ${scope}`);
      assert.ok(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(key));
    });
  }
});
