// This file words what the user sees when the server cannot be started.
// It does not import vscode so it can be unit-tested with Node's test runner.
import type { LookupResult } from './lookup';

export const OPEN_SETTINGS = 'Open Settings';
export const SHOW_INSTALL = 'Show Install Instructions';

export const INSTALL_COMMAND = 'go install github.com/cloudwerk/cloudwerk-lsp/cmd/cloudwerk-lsp@latest';

export interface UserError {
  message: string;
  actions: string[];
}

/** The error for a binary that was not found, naming where we looked and what to do. */
export function notFoundError(result: Extract<LookupResult, { found: false }>): UserError {
  const hint =
    result.source === 'setting'
      ? 'Fix the setting or clear it to use PATH.'
      : 'Install it or set cloudwerk.server.path to the binary.';
  return {
    message: `Cloudwerk: cannot start the language server: ${result.reason}. ${hint}`,
    actions: [OPEN_SETTINGS, SHOW_INSTALL],
  };
}

/** The error for a binary that exists but is not a usable cloudwerk-lsp. */
export function badBinaryError(detail: string): UserError {
  return {
    message: `Cloudwerk: cannot start the language server: ${detail}.`,
    actions: [OPEN_SETTINGS, SHOW_INSTALL],
  };
}

/** The text shown in the output channel for "Show Install Instructions". */
export function installInstructions(result?: LookupResult): string {
  const lines = [
    'Installing the Cloudwerk language server (cloudwerk-lsp)',
    '',
    'The platform-specific extension (cloudwerk-lsp-<os>-<cpu>.vsix) brings its own server. Otherwise:',
    '',
    'With npm on Linux or macOS (x64, arm64), prebuilt, onto PATH:',
    '  npm i -g cloudwerk-lsp',
    '',
    'With Go 1.26 or newer (cgo enabled; a C compiler is needed for tree-sitter):',
    `  ${INSTALL_COMMAND}`,
    '',
    'Or build it from a clone of the repository:',
    '  go build -o ~/.local/bin/cloudwerk-lsp ./cmd/cloudwerk-lsp',
    '',
    'Then make sure the binary is on PATH, or set "cloudwerk.server.path" to its full path',
    '(user settings; an untrusted workspace cannot set it), and run "Cloudwerk: Restart Language Server".',
    'Check the binary with: cloudwerk-lsp version',
  ];
  if (result !== undefined && !result.found && result.tried.length > 0) {
    lines.push('', 'Looked for:', ...result.tried.slice(0, 20).map((t) => `  ${t}`));
    if (result.tried.length > 20) {
      lines.push(`  ... and ${result.tried.length - 20} more`);
    }
  }
  return lines.join('\n');
}
