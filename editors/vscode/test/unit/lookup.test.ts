import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bundledServerPath, expandSettingPath, findServer, pathDirectories, type LookupHost } from '../../src/lookup';

function host(over: Partial<LookupHost> & { executables?: string[] }): LookupHost {
  const exes = new Set(over.executables ?? []);
  return {
    platform: over.platform ?? 'linux',
    env: over.env ?? {},
    homedir: over.homedir ?? '/home/dev',
    workspaceFolder: 'workspaceFolder' in over ? over.workspaceFolder : '/ws/app',
    bundled: over.bundled,
    isExecutable: (p) => exes.has(p),
  };
}

describe('expandSettingPath', () => {
  const cases: { name: string; raw: string; h: LookupHost; want: string | undefined }[] = [
    { name: 'absolute', raw: '/opt/bin/cloudwerk-lsp', h: host({}), want: '/opt/bin/cloudwerk-lsp' },
    { name: 'tilde', raw: '~/go/bin/cloudwerk-lsp', h: host({}), want: '/home/dev/go/bin/cloudwerk-lsp' },
    { name: 'workspaceFolder variable', raw: '${workspaceFolder}/bin/cloudwerk-lsp', h: host({}), want: '/ws/app/bin/cloudwerk-lsp' },
    { name: 'relative to the folder', raw: './bin/../bin/cloudwerk-lsp', h: host({}), want: '/ws/app/bin/cloudwerk-lsp' },
    { name: 'env variable', raw: '${env:GOBIN}/cloudwerk-lsp', h: host({ env: { GOBIN: '/g/bin' } }), want: '/g/bin/cloudwerk-lsp' },
    { name: 'userHome variable', raw: '${userHome}/x', h: host({}), want: '/home/dev/x' },
    { name: 'surrounding spaces', raw: '  /a/b  ', h: host({}), want: '/a/b' },
    { name: 'relative without folder', raw: 'bin/cloudwerk-lsp', h: host({ workspaceFolder: undefined }), want: undefined },
    { name: 'folder variable without folder', raw: '${workspaceFolder}/x', h: host({ workspaceFolder: undefined }), want: undefined },
    {
      name: 'windows drive path',
      raw: 'C:\\tools\\cloudwerk-lsp.exe',
      h: host({ platform: 'win32', workspaceFolder: 'C:\\ws' }),
      want: 'C:\\tools\\cloudwerk-lsp.exe',
    },
    { name: 'windows relative', raw: 'bin\\cloudwerk-lsp.exe', h: host({ platform: 'win32', workspaceFolder: 'C:\\ws' }), want: 'C:\\ws\\bin\\cloudwerk-lsp.exe' },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(expandSettingPath(c.raw, c.h), c.want));
  }
});

describe('pathDirectories', () => {
  it('splits on ":" and drops empty entries', () => {
    assert.deepEqual(pathDirectories(host({ env: { PATH: '/usr/bin::/bin:' } })), ['/usr/bin', '/bin']);
  });
  it('reads Windows Path with ";" and quoted entries', () => {
    assert.deepEqual(pathDirectories(host({ platform: 'win32', env: { Path: 'C:\\a;"C:\\Program Files\\b";' } })), [
      'C:\\a',
      'C:\\Program Files\\b',
    ]);
  });
});

describe('findServer', () => {
  it('uses the setting when it points to an executable', () => {
    const r = findServer('~/bin/cloudwerk-lsp', host({ executables: ['/home/dev/bin/cloudwerk-lsp', '/usr/bin/cloudwerk-lsp'], env: { PATH: '/usr/bin' } }));
    assert.deepEqual(r, { found: true, path: '/home/dev/bin/cloudwerk-lsp', source: 'setting' });
  });

  it('does not fall back to PATH when the setting is wrong', () => {
    const r = findServer('/nope/cloudwerk-lsp', host({ executables: ['/usr/bin/cloudwerk-lsp'], env: { PATH: '/usr/bin' } }));
    assert.equal(r.found, false);
    assert.equal(r.source, 'setting');
    assert.deepEqual(!r.found && r.tried, ['/nope/cloudwerk-lsp']);
    assert.match(!r.found ? r.reason : '', /not an executable file/);
  });

  it('explains a relative setting without an open folder', () => {
    const r = findServer('bin/cloudwerk-lsp', host({ workspaceFolder: undefined }));
    assert.equal(r.found, false);
    assert.match(!r.found ? r.reason : '', /no folder is open/);
  });

  it('takes the first match on PATH, in PATH order', () => {
    const r = findServer('', host({ executables: ['/b/cloudwerk-lsp', '/c/cloudwerk-lsp'], env: { PATH: '/a:/b:/c' } }));
    assert.deepEqual(r, { found: true, path: '/b/cloudwerk-lsp', source: 'PATH' });
  });

  it('tries PATHEXT suffixes on Windows', () => {
    const r = findServer(
      '',
      host({ platform: 'win32', executables: ['C:\\go\\bin\\cloudwerk-lsp.exe'], env: { Path: 'C:\\a;C:\\go\\bin', PATHEXT: '.COM;.EXE' } }),
    );
    assert.deepEqual(r, { found: true, path: 'C:\\go\\bin\\cloudwerk-lsp.exe', source: 'PATH' });
  });

  it('lists every candidate it tried when nothing is found', () => {
    const r = findServer('   ', host({ env: { PATH: '/a:/b' } }));
    assert.equal(r.found, false);
    assert.deepEqual(!r.found && r.tried, ['/a/cloudwerk-lsp', '/b/cloudwerk-lsp']);
    assert.equal(r.source, 'PATH');
  });

  it('prefers the bundled server to PATH when nothing is set', () => {
    const bundled = '/ext/server/cloudwerk-lsp';
    const r = findServer('', host({ bundled, executables: [bundled, '/usr/bin/cloudwerk-lsp'], env: { PATH: '/usr/bin' } }));
    assert.deepEqual(r, { found: true, path: bundled, source: 'bundled' });
  });

  it('lets the setting override the bundled server', () => {
    const bundled = '/ext/server/cloudwerk-lsp';
    const r = findServer('/opt/cloudwerk-lsp', host({ bundled, executables: [bundled, '/opt/cloudwerk-lsp'] }));
    assert.deepEqual(r, { found: true, path: '/opt/cloudwerk-lsp', source: 'setting' });
  });

  it('falls back to PATH when the bundled server is not executable, listing it as tried', () => {
    const bundled = '/ext/server/cloudwerk-lsp';
    const r = findServer('', host({ bundled, executables: ['/usr/bin/cloudwerk-lsp'], env: { PATH: '/usr/bin' } }));
    assert.deepEqual(r, { found: true, path: '/usr/bin/cloudwerk-lsp', source: 'PATH' });
    const none = findServer('', host({ bundled, env: { PATH: '/a' } }));
    assert.deepEqual(!none.found && none.tried, [bundled, '/a/cloudwerk-lsp']);
  });
});

describe('bundledServerPath', () => {
  it('is server/cloudwerk-lsp in the extension folder, with .exe on Windows', () => {
    assert.equal(bundledServerPath('/ext', 'linux'), '/ext/server/cloudwerk-lsp');
    assert.equal(bundledServerPath('/ext', 'darwin'), '/ext/server/cloudwerk-lsp');
    assert.equal(bundledServerPath('C:\\ext', 'win32'), 'C:\\ext\\server\\cloudwerk-lsp.exe');
  });
});
