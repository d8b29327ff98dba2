import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { bundledServer, ensureRunBit, isExecutableFile } from '../../src/nodeHost';

const posix = process.platform !== 'win32';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudwerk-nodehost-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('ensureRunBit', { skip: !posix && 'Windows has no run bit' }, () => {
  it('restores the run bit of a bundled server that lost it', () => {
    const p = path.join(dir, 'lost-bit');
    fs.writeFileSync(p, '#!/bin/sh\n', { mode: 0o644 });
    assert.equal(isExecutableFile(p), false);
    assert.equal(ensureRunBit(p), true);
    assert.equal(fs.statSync(p).mode & 0o777, 0o755);
  });

  it('leaves a missing file missing', () => {
    assert.equal(ensureRunBit(path.join(dir, 'missing')), false);
    assert.equal(fs.existsSync(path.join(dir, 'missing')), false);
  });
});

describe('bundledServer', () => {
  it('finds server/cloudwerk-lsp in an extension folder and makes it runnable', () => {
    const ext = path.join(dir, 'ext');
    fs.mkdirSync(path.join(ext, 'server'), { recursive: true });
    const bin = path.join(ext, 'server', posix ? 'cloudwerk-lsp' : 'cloudwerk-lsp.exe');
    fs.writeFileSync(bin, 'x', { mode: 0o600 });
    assert.equal(bundledServer(ext), bin);
    assert.equal(isExecutableFile(bin), true);
  });

  it('is undefined for an extension without a server folder (a .vsix built without --target)', () => {
    assert.equal(bundledServer(path.join(dir, 'empty')), undefined);
  });
});
