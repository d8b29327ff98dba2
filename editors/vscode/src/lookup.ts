// This file finds the cloudwerk-lsp binary: the configured path first, then the
// server bundled in a platform-specific .vsix, then PATH.
// It does not import vscode so it can be unit-tested with Node's test runner.
import * as path from 'node:path';

/** The binary name on PATH (plus PATHEXT suffixes on Windows). */
export const SERVER_BINARY = 'cloudwerk-lsp';

/** What the lookup needs from the host; injected so tests need no real files. */
export interface LookupHost {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
  /** The first workspace folder's path, used for relative settings and ${workspaceFolder}. */
  workspaceFolder?: string;
  /** The server shipped inside this extension (server/ of a platform-specific .vsix), if any. */
  bundled?: string;
  /** Whether p is an existing regular file the current user may execute. */
  isExecutable(p: string): boolean;
}

export type LookupResult =
  | { found: true; path: string; source: 'setting' | 'bundled' | 'PATH' }
  | { found: false; source: 'setting' | 'PATH'; tried: string[]; reason: string };

/**
 * Expands `~`, `${workspaceFolder}`, `${userHome}` and `${env:NAME}` in a
 * configured path and resolves a relative result against the workspace folder.
 * Returns undefined when the path needs a workspace folder and there is none.
 */
export function expandSettingPath(raw: string, host: Pick<LookupHost, 'env' | 'homedir' | 'workspaceFolder' | 'platform'>): string | undefined {
  const p = host.platform === 'win32' ? path.win32 : path.posix;
  let s = raw.trim();
  let needsFolder = false;
  s = s.replace(/\$\{(workspaceFolder|userHome|env:([A-Za-z_][A-Za-z0-9_]*))\}/g, (_m, name: string, envName?: string) => {
    if (name === 'workspaceFolder') {
      if (host.workspaceFolder === undefined) {
        needsFolder = true;
        return '';
      }
      return host.workspaceFolder;
    }
    if (name === 'userHome') {
      return host.homedir;
    }
    return host.env[envName as string] ?? '';
  });
  if (s === '~' || s.startsWith('~/') || (host.platform === 'win32' && s.startsWith('~\\'))) {
    s = p.join(host.homedir, s.slice(1));
  }
  if (needsFolder) {
    return undefined;
  }
  if (!p.isAbsolute(s)) {
    if (host.workspaceFolder === undefined) {
      return undefined;
    }
    s = p.resolve(host.workspaceFolder, s);
  }
  return p.normalize(s);
}

/** Where a platform-specific .vsix puts the server, relative to the extension's folder. */
export function bundledServerPath(extensionDir: string, platform: NodeJS.Platform): string {
  const p = platform === 'win32' ? path.win32 : path.posix;
  return p.join(extensionDir, 'server', platform === 'win32' ? `${SERVER_BINARY}.exe` : SERVER_BINARY);
}

/** The candidate file names for the binary in one PATH directory. */
function candidatesIn(dir: string, host: LookupHost): string[] {
  const p = host.platform === 'win32' ? path.win32 : path.posix;
  if (host.platform !== 'win32') {
    return [p.join(dir, SERVER_BINARY)];
  }
  const exts = (host.env.PATHEXT ?? host.env.Pathext ?? '.COM;.EXE;.BAT;.CMD')
    .split(';')
    .filter((e) => e !== '');
  return [p.join(dir, SERVER_BINARY), ...exts.map((e) => p.join(dir, SERVER_BINARY + e.toLowerCase()))];
}

/** Splits PATH the way the platform does (Windows names it Path and uses ';'). */
export function pathDirectories(host: Pick<LookupHost, 'env' | 'platform'>): string[] {
  const raw = host.env.PATH ?? host.env.Path ?? '';
  const sep = host.platform === 'win32' ? ';' : ':';
  return raw
    .split(sep)
    .map((d) => d.trim().replace(/^"(.*)"$/, '$1'))
    .filter((d) => d !== '');
}

/**
 * Finds the server binary. A non-empty setting wins and is never silently
 * replaced: if it points nowhere the user should be told so. Without a setting the
 * bundled server (same version as the extension) beats whatever PATH has.
 */
export function findServer(settingPath: string, host: LookupHost): LookupResult {
  if (settingPath.trim() !== '') {
    const expanded = expandSettingPath(settingPath, host);
    if (expanded === undefined) {
      return {
        found: false,
        source: 'setting',
        tried: [settingPath],
        reason: `cloudwerk.server.path "${settingPath}" is relative (or uses \${workspaceFolder}) but no folder is open`,
      };
    }
    if (host.isExecutable(expanded)) {
      return { found: true, path: expanded, source: 'setting' };
    }
    return {
      found: false,
      source: 'setting',
      tried: [expanded],
      reason: `cloudwerk.server.path points to ${expanded}, which is not an executable file`,
    };
  }
  const tried: string[] = [];
  if (host.bundled !== undefined) {
    tried.push(host.bundled);
    if (host.isExecutable(host.bundled)) {
      return { found: true, path: host.bundled, source: 'bundled' };
    }
  }
  for (const dir of pathDirectories(host)) {
    for (const candidate of candidatesIn(dir, host)) {
      tried.push(candidate);
      if (host.isExecutable(candidate)) {
        return { found: true, path: candidate, source: 'PATH' };
      }
    }
  }
  return { found: false, source: 'PATH', tried, reason: `${SERVER_BINARY} was not found on PATH` };
}
