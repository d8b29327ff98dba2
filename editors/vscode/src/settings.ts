// This file reads and validates the extension's settings, honouring workspace trust.
// It does not import vscode so it can be unit-tested with Node's test runner.

export const TRACE_LEVELS = ['off', 'messages', 'verbose'] as const;
export type TraceLevel = (typeof TRACE_LEVELS)[number];

/** The shape of vscode's WorkspaceConfiguration.inspect() result we rely on. */
export interface Inspected {
  defaultValue?: unknown;
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

export interface RawSettings {
  path: Inspected | undefined;
  args: Inspected | undefined;
  trace: Inspected | undefined;
}

export interface ServerSettings {
  path: string;
  args: string[];
  trace: TraceLevel;
  /** Problems to show the user: invalid values replaced by defaults, ignored workspace values. */
  warnings: string[];
}

/** Settings that can make VS Code run a program, so an untrusted workspace may not set them. */
export const RESTRICTED_SETTINGS = ['cloudwerk.server.path', 'cloudwerk.server.args'] as const;

/**
 * Picks the effective value: folder, then workspace, then user, then default.
 * Workspace levels are skipped for restricted settings in an untrusted workspace.
 */
function effective(i: Inspected | undefined, restricted: boolean, trusted: boolean): { value: unknown; ignoredWorkspace: boolean } {
  if (i === undefined) {
    return { value: undefined, ignoredWorkspace: false };
  }
  const fromWorkspace = i.workspaceFolderValue !== undefined ? i.workspaceFolderValue : i.workspaceValue;
  if (fromWorkspace !== undefined) {
    if (!restricted || trusted) {
      return { value: fromWorkspace, ignoredWorkspace: false };
    }
  }
  const ignoredWorkspace = fromWorkspace !== undefined;
  if (i.globalValue !== undefined) {
    return { value: i.globalValue, ignoredWorkspace };
  }
  return { value: i.defaultValue, ignoredWorkspace };
}

export function resolveSettings(raw: RawSettings, trusted: boolean): ServerSettings {
  const warnings: string[] = [];

  const p = effective(raw.path, true, trusted);
  if (p.ignoredWorkspace) {
    warnings.push('cloudwerk.server.path from the workspace is ignored because the workspace is not trusted');
  }
  let path = '';
  if (typeof p.value === 'string') {
    path = p.value.trim();
  } else if (p.value !== undefined && p.value !== null) {
    warnings.push(`cloudwerk.server.path must be a string, got ${JSON.stringify(p.value)}; looking on PATH instead`);
  }

  const a = effective(raw.args, true, trusted);
  if (a.ignoredWorkspace) {
    warnings.push('cloudwerk.server.args from the workspace is ignored because the workspace is not trusted');
  }
  let args: string[] = [];
  if (Array.isArray(a.value) && a.value.every((x) => typeof x === 'string')) {
    args = a.value as string[];
  } else if (a.value !== undefined && a.value !== null) {
    warnings.push(`cloudwerk.server.args must be an array of strings, got ${JSON.stringify(a.value)}; using no extra arguments`);
  }

  const t = effective(raw.trace, false, trusted);
  let trace: TraceLevel = 'off';
  if (typeof t.value === 'string' && (TRACE_LEVELS as readonly string[]).includes(t.value)) {
    trace = t.value as TraceLevel;
  } else if (t.value !== undefined && t.value !== null) {
    warnings.push(`cloudwerk.trace.server must be one of ${TRACE_LEVELS.join(', ')}, got ${JSON.stringify(t.value)}; using "off"`);
  }

  return { path, args, trace, warnings };
}

/** Whether a configuration change affects how the server is started. */
export function needsRestart(affects: (section: string) => boolean): boolean {
  return affects('cloudwerk.server');
}

/**
 * How long the first start waits for the settings when the server was not found with
 * the defaults. In code-server the configuration kept changing for seconds after
 * activation (a change of cloudwerk.server.* arrived ~3 s in), so an empty path there
 * may only mean "not settled yet".
 */
export const SETTINGS_RETRY_MS = 3_000;

/**
 * Whether a failed lookup at activation is worth one more try: only when no server
 * setting was read (the path is the default), which is what settings that have not
 * arrived yet look like. A configured path that points nowhere is reported at once.
 */
export function shouldRetryLookup(settings: Pick<ServerSettings, 'path'>, found: { found: boolean }): boolean {
  return !found.found && settings.path === '';
}

/** Whether two settings start the same server (trace is applied by the running client). */
export function sameServerSettings(a: Pick<ServerSettings, 'path' | 'args'>, b: Pick<ServerSettings, 'path' | 'args'>): boolean {
  return a.path === b.path && a.args.length === b.args.length && a.args.every((x, i) => x === b.args[i]);
}
