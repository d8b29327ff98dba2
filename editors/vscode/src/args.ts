// This file builds the server's command line from the user's extra arguments.
// It does not import vscode so it can be unit-tested with Node's test runner.

/** Subcommands that start the language server on stdio. */
const SERVE_COMMANDS = new Set(['serve', '--stdio']);

/**
 * Returns the arguments for the server process: `serve` followed by the user's
 * extra arguments. A user who already starts with `serve` (or its alias
 * `--stdio`) keeps their list as it is, so the subcommand is never doubled.
 */
export function buildServerArgs(userArgs: readonly string[]): string[] {
  const args = userArgs.filter((a) => a !== '');
  if (args.length > 0 && SERVE_COMMANDS.has(args[0])) {
    return [...args];
  }
  return ['serve', ...args];
}
