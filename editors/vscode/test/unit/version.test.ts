import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkServerVersion, compareVersions, parseServerVersion, type RunCommand } from '../../src/version';

describe('parseServerVersion', () => {
  const cases: { out: string; want: string | undefined }[] = [
    { out: 'cloudwerk-lsp 0.1.0\n', want: '0.1.0' },
    { out: 'cloudwerk-lsp v1.2.3', want: '1.2.3' },
    { out: 'cloudwerk-lsp version 2.0.0-rc.1 (abc123)', want: '2.0.0-rc.1' },
    { out: 'cloudwerk-lsp 0.3.0+dirty', want: '0.3.0+dirty' },
    { out: 'warning: something\r\ncloudwerk-lsp 0.1.0\r\n', want: '0.1.0' },
    { out: 'cloudwerk-lsp (devel)', want: undefined },
    { out: 'gopls v0.16.0', want: undefined },
    { out: 'some-other-tool 1.0.0', want: undefined },
    { out: '', want: undefined },
  ];
  for (const c of cases) {
    it(JSON.stringify(c.out), () => assert.equal(parseServerVersion(c.out)?.text, c.want));
  }

  it('reads the numbers', () => {
    const v = parseServerVersion('cloudwerk-lsp 10.20.30-beta');
    assert.deepEqual(v, { major: 10, minor: 20, patch: 30, suffix: 'beta', prerelease: true, text: '10.20.30-beta' });
  });
});

describe('compareVersions', () => {
  const v = (s: string) => {
    const parsed = parseServerVersion(`cloudwerk-lsp ${s}`);
    assert.ok(parsed, s);
    return parsed;
  };
  const cases: [string, string, number][] = [
    ['0.1.0', '0.1.0', 0],
    ['0.1.0', '0.2.0', -1],
    ['1.0.0', '0.9.9', 1],
    ['0.10.0', '0.9.0', 1],
    ['0.1.1', '0.1.0', 1],
    ['0.1.0-rc.1', '0.1.0', -1],
    ['0.1.0', '0.1.0-rc.1', 1],
    ['0.1.0+build', '0.1.0', 0],
  ];
  for (const [a, b, want] of cases) {
    it(`${a} vs ${b}`, () => assert.equal(compareVersions(v(a), v(b)), want));
  }
});

describe('checkServerVersion', () => {
  function fake(replies: Record<string, Awaited<ReturnType<RunCommand>>>): { run: RunCommand; calls: string[] } {
    const calls: string[] = [];
    const run: RunCommand = async (bin, args) => {
      const key = args.join(' ');
      calls.push(`${bin} ${key}`);
      return replies[key] ?? { code: 2, stdout: '', stderr: `unknown command ${key}` };
    };
    return { run, calls };
  }

  it('accepts `version`', async () => {
    const f = fake({ version: { code: 0, stdout: 'cloudwerk-lsp 0.1.0\n', stderr: '' } });
    const r = await checkServerVersion('/bin/cloudwerk-lsp', f.run);
    assert.ok(r.ok);
    assert.equal(r.version.text, '0.1.0');
    assert.deepEqual(f.calls, ['/bin/cloudwerk-lsp version']);
  });

  it('falls back to `--version`', async () => {
    const f = fake({ '--version': { code: 0, stdout: 'cloudwerk-lsp v0.4.0', stderr: '' } });
    const r = await checkServerVersion('/bin/cloudwerk-lsp', f.run);
    assert.ok(r.ok);
    assert.equal(r.version.text, '0.4.0');
    assert.deepEqual(f.calls, ['/bin/cloudwerk-lsp version', '/bin/cloudwerk-lsp --version']);
  });

  it('refuses a server older than the minimum', async () => {
    const f = fake({ version: { code: 0, stdout: 'cloudwerk-lsp 0.0.9', stderr: '' } });
    const r = await checkServerVersion('/bin/cloudwerk-lsp', f.run, '0.1.0');
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.message : '', /version 0\.0\.9; this extension needs cloudwerk-lsp 0\.1\.0 or newer/);
  });

  it('refuses a binary that is not cloudwerk-lsp, saying what both attempts did', async () => {
    const f = fake({
      version: { code: 0, stdout: 'gopls v0.16.0', stderr: '' },
      '--version': { code: null, stdout: '', stderr: '', error: 'timed out' },
    });
    const r = await checkServerVersion('/bin/x', f.run);
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.message : '', /does not look like cloudwerk-lsp \(\/bin\/x version: exit 0: gopls v0\.16\.0; \/bin\/x --version: timed out\)/);
  });

  it('reports a spawn failure', async () => {
    const f = fake({
      version: { code: null, stdout: '', stderr: '', error: 'spawn EACCES' },
      '--version': { code: null, stdout: '', stderr: '', error: 'spawn EACCES' },
    });
    const r = await checkServerVersion('/bin/x', f.run);
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.message : '', /spawn EACCES/);
  });
});
