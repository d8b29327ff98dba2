// This file gives the pure lookup and version logic their real file system and
// process access.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { LookupHost } from './lookup';
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

export function nodeLookupHost(workspaceFolder: string | undefined): LookupHost {
  return {
    platform: process.platform,
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
