// This file gives the pure lookup and version logic their real file system and
// process access.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundledServerPath, type LookupHost } from './lookup';
import type { RunCommand } from './version';

/** How long `cloudwerk-lsp version` may take before we call the binary broken. */
const VERSION_TIMEOUT_MS = 10_000;

export function isExecutableFile(p: string): boolean {
  try {
    if (!fs.statSync(p).isFile()) {
      return false;
    }
    // Windows has no execute bit; existence is what counts there.
    fs.accessSync(p, process.platform === 'win32' ? fs.constants.F_OK : fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Gives a file that lost its run bit (an unzip that drops modes, a copied
 * extension folder) its mode back. Returns whether it is now executable.
 */
export function ensureRunBit(p: string): boolean {
  if (process.platform === 'win32' || isExecutableFile(p)) {
    return isExecutableFile(p);
  }
  try {
    if (!fs.statSync(p).isFile()) {
      return false;
    }
    fs.chmodSync(p, 0o755);
  } catch {
    return false;
  }
  return isExecutableFile(p);
}

/**
 * The server bundled next to this code: the bundle lives in <extension>/dist, so
 * the extension's folder is one up. Missing in a .vsix built without a target.
 */
export function bundledServer(extensionDir = path.resolve(__dirname, '..')): string | undefined {
  const p = bundledServerPath(extensionDir, process.platform);
  if (!fs.existsSync(p)) {
    return undefined;
  }
  ensureRunBit(p);
  return p;
}

export function nodeLookupHost(workspaceFolder: string | undefined): LookupHost {
  return {
    platform: process.platform,
    bundled: bundledServer(),
    env: process.env,
    homedir: os.homedir(),
    workspaceFolder,
    isExecutable: isExecutableFile,
  };
}

export const runCommand: RunCommand = (bin, args) =>
  new Promise((resolve) => {
    execFile(bin, args, { timeout: VERSION_TIMEOUT_MS, windowsHide: true, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err !== null && typeof err.code !== 'number') {
        // Spawn failures (ENOENT, EACCES) and timeouts carry no exit code.
        resolve({ code: null, stdout: String(stdout), stderr: String(stderr), error: err.killed ? 'timed out' : err.message });
        return;
      }
      resolve({ code: err === null ? 0 : (err.code as number), stdout: String(stdout), stderr: String(stderr) });
    });
  });
