// This file names the commands the extension registers itself and keeps the
// language client from registering server commands with the same ids.
// It does not import vscode so it can be unit-tested with Node's test runner.

export const Commands = {
  restartServer: 'cloudwerk.restartServer',
  generate: 'cloudwerk.generate',
  showOutput: 'cloudwerk.showOutput',
} as const;

/** The server's executeCommand that regenerates types, classes and wrangler config. */
export const SERVER_GENERATE_COMMAND = 'cloudwerk.generate';

const OWNED = new Set<string>(Object.values(Commands));

/**
 * The language client registers a VS Code command for every command the server
 * advertises in executeCommandProvider; VS Code refuses a second registration of
 * the same id, which would fail the client's start. Commands this extension
 * registers itself (and forwards to the server) are therefore left out.
 */
export function withoutOwnedCommands(commands: readonly string[] | undefined): string[] {
  return (commands ?? []).filter((c) => !OWNED.has(c));
}
