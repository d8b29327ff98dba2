// This file parses and checks the output of `cloudwerk-lsp version`.
// It does not import vscode so it can be unit-tested with Node's test runner.

export interface ServerVersion {
  major: number;
  minor: number;
  patch: number;
  /** Pre-release or build suffix without its leading '-' or '+', "" when none. */
  suffix: string;
  /** A '-' suffix: a pre-release, which sorts before the release. */
  prerelease: boolean;
  /** The version as printed, without a leading 'v'. */
  text: string;
}

/** The oldest server this extension speaks to (settings and commands it relies on). */
export const MINIMUM_SERVER_VERSION = '0.1.0';

const VERSION_RE = /\bv?(\d+)\.(\d+)\.(\d+)((?:[-+][0-9A-Za-z.+-]*)?)/;

/**
 * Reads a version from the server's output, e.g. "cloudwerk-lsp 0.1.0",
 * "cloudwerk-lsp v0.2.0-rc.1" or "cloudwerk-lsp version 1.0.0 (abc123)".
 * The output must name the tool so an unrelated binary on PATH is not accepted.
 */
export function parseServerVersion(output: string): ServerVersion | undefined {
  const line = output
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => /^cloudwerk-lsp\b/.test(l));
  if (line === undefined) {
    return undefined;
  }
  const m = VERSION_RE.exec(line.slice('cloudwerk-lsp'.length));
  if (m === null) {
    return undefined;
  }
  const [, major, minor, patch, suffix] = m;
  const text = `${major}.${minor}.${patch}${suffix}`;
  return { major: Number(major), minor: Number(minor), patch: Number(patch), suffix: suffix.replace(/^[-+]/, ''), prerelease: suffix.startsWith('-'), text };
}

/** Compares two versions by major.minor.patch; a pre-release sorts before its release. */
export function compareVersions(a: ServerVersion, b: ServerVersion): number {
  for (const k of ['major', 'minor', 'patch'] as const) {
    if (a[k] !== b[k]) {
      return a[k] < b[k] ? -1 : 1;
    }
  }
  if (a.prerelease !== b.prerelease) {
    return a.prerelease ? -1 : 1;
  }
  return 0;
}

export type VersionCheck = { ok: true; version: ServerVersion } | { ok: false; message: string };

/** Runs a command and reports what it printed; injected so tests need no processes. */
export type RunCommand = (bin: string, args: string[]) => Promise<{ code: number | null; stdout: string; stderr: string; error?: string }>;

/**
 * Verifies that bin is a cloudwerk-lsp new enough to use: tries `version`, then
 * `--version` (older builds and wrappers), and explains what went wrong otherwise.
 */
export async function checkServerVersion(bin: string, run: RunCommand, minimum = MINIMUM_SERVER_VERSION): Promise<VersionCheck> {
  const min = parseServerVersion(`cloudwerk-lsp ${minimum}`);
  if (min === undefined) {
    throw new Error(`invalid minimum version ${minimum}`);
  }
  const failures: string[] = [];
  for (const args of [['version'], ['--version']]) {
    const res = await run(bin, args);
    const shown = `${bin} ${args.join(' ')}`;
    if (res.error !== undefined) {
      failures.push(`${shown}: ${res.error}`);
      continue;
    }
    const v = parseServerVersion(res.stdout) ?? parseServerVersion(res.stderr);
    if (res.code !== 0 || v === undefined) {
      const out = (res.stderr.trim() || res.stdout.trim()).split(/\r?\n/)[0] ?? '';
      failures.push(`${shown}: exit ${res.code ?? 'signal'}${out ? `: ${out}` : ''}`);
      continue;
    }
    if (compareVersions(v, min) < 0) {
      return { ok: false, message: `${bin} is version ${v.text}; this extension needs cloudwerk-lsp ${minimum} or newer` };
    }
    return { ok: true, version: v };
  }
  return { ok: false, message: `${bin} does not look like cloudwerk-lsp (${failures.join('; ')})` };
}
