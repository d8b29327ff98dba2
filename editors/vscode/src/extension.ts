// This file is the VS Code entry point: it finds and verifies the server, runs
// it through vscode-languageclient and registers the extension's commands.
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  type DocumentSelector,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { buildServerArgs } from './args';
import { Commands, SERVER_GENERATE_COMMAND, withoutOwnedCommands } from './commands';
import { findServer, type LookupResult } from './lookup';
import { badBinaryError, installInstructions, notFoundError, OPEN_SETTINGS, SHOW_INSTALL, type UserError } from './messages';
import { nodeLookupHost, runCommand } from './nodeHost';
import { needsRestart, resolveSettings, sameServerSettings, SETTINGS_RETRY_MS, shouldRetryLookup, type ServerSettings } from './settings';
import { checkServerVersion } from './version';

const CLIENT_ID = 'cloudwerk';
const CLIENT_NAME = 'Cloudwerk Language Server';

/** Object, route and config files (any JS/TS flavour) and wrangler's three config formats. */
export const DOCUMENT_SELECTOR: DocumentSelector = [
  { scheme: 'file', language: 'typescript' },
  { scheme: 'file', language: 'typescriptreact' },
  { scheme: 'file', language: 'javascript' },
  { scheme: 'file', language: 'javascriptreact' },
  { scheme: 'file', pattern: '**/wrangler.{toml,json,jsonc}' },
];

let output: vscode.LogOutputChannel;
let client: LanguageClient | undefined;
/** The start or stop in progress; commands wait for it so they never race each other. */
let transition: Promise<void> = Promise.resolve();
let lastLookup: LookupResult | undefined;
/** The settings the running server was started with. */
let startedWith: ServerSettings | undefined;
/** Set while the first start waits for the settings to arrive; the next change of them resolves it. */
let settingsArrived: (() => void) | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel(CLIENT_NAME, { log: true });
  context.subscriptions.push(output);

  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.restartServer, () => restart()),
    vscode.commands.registerCommand(Commands.showOutput, () => output.show(true)),
    vscode.commands.registerCommand(Commands.generate, (...args: unknown[]) => generate(args)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!needsRestart((section) => e.affectsConfiguration(section))) {
        return;
      }
      if (settingsArrived !== undefined) {
        settingsArrived(); // the waiting first start reads them
        return;
      }
      // A running server whose settings did not really change keeps running.
      if (client !== undefined && startedWith !== undefined && sameServerSettings(startedWith, readSettings(false))) {
        return;
      }
      output.info('server settings changed; restarting');
      void restart();
    }),
    // Trust can unlock workspace values of the restricted settings.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void restart()),
  );

  await serialized(() => start(true));
}

export async function deactivate(): Promise<void> {
  await serialized(stop);
}

function serialized(step: () => Promise<void>): Promise<void> {
  transition = transition.then(step, step);
  return transition;
}

function restart(): Promise<void> {
  return serialized(async () => {
    await stop();
    await start();
  });
}

function readSettings(warn = true): ServerSettings {
  const cfg = vscode.workspace.getConfiguration();
  const settings = resolveSettings(
    {
      path: cfg.inspect('cloudwerk.server.path'),
      args: cfg.inspect('cloudwerk.server.args'),
      trace: cfg.inspect('cloudwerk.trace.server'),
    },
    vscode.workspace.isTrusted,
  );
  if (warn) {
    for (const w of settings.warnings) {
      output.warn(w);
    }
  }
  return settings;
}

function firstFolder(): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  return folder?.uri.fsPath;
}

/** Resolves after ms, or earlier when the server settings change. */
function settingsChangeOrTimeout(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      settingsArrived = undefined;
      resolve();
    }
    settingsArrived = done;
  });
}

async function start(activating = false): Promise<void> {
  if (client !== undefined) {
    return;
  }
  let settings = readSettings();
  const folder = firstFolder();
  let found = findServer(settings.path, nodeLookupHost(folder));
  if (activating && shouldRetryLookup(settings, found)) {
    // The user settings can reach the extension host after activation (code-server
    // and remote windows): wait for them, then look once more before any error.
    output.info('cloudwerk-lsp was not found with the default settings; looking again once the settings have arrived');
    await settingsChangeOrTimeout(SETTINGS_RETRY_MS);
    settings = readSettings();
    found = findServer(settings.path, nodeLookupHost(folder));
  }
  lastLookup = found;
  if (!found.found) {
    output.error(found.reason);
    void showUserError(notFoundError(found));
    return;
  }
  const check = await checkServerVersion(found.path, runCommand);
  if (!check.ok) {
    output.error(check.message);
    void showUserError(badBinaryError(check.message));
    return;
  }
  const args = buildServerArgs(settings.args);
  output.info(`starting ${found.path} ${args.join(' ')} (cloudwerk-lsp ${check.version.text}, from ${found.source})`);

  const serverOptions: ServerOptions = {
    command: found.path,
    args,
    options: { cwd: folder },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: output,
    diagnosticCollectionName: CLIENT_ID,
    markdown: { isTrusted: false, supportHtml: false },
  };
  const c = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  keepOwnedCommands(c);
  try {
    await c.start();
    client = c;
    startedWith = settings;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    output.error(`the server failed to start: ${message}`);
    void showUserError(badBinaryError(`${found.path} failed to start: ${message}`));
    await c.dispose().catch(() => undefined);
  }
}

async function stop(): Promise<void> {
  const c = client;
  client = undefined;
  startedWith = undefined;
  if (c === undefined) {
    return;
  }
  try {
    await c.stop(5_000);
  } catch (err) {
    output.warn(`stopping the server: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Keeps the client from registering the commands this extension owns (see withoutOwnedCommands). */
function keepOwnedCommands(c: LanguageClient): void {
  const feature = c.getFeature(ExecuteCommandRequest.method);
  const register = feature.register.bind(feature);
  feature.register = (data) =>
    register({ ...data, registerOptions: { ...data.registerOptions, commands: withoutOwnedCommands(data.registerOptions.commands) } });
}

/**
 * Runs the server's generate command. From the palette it has no arguments; from a
 * code action or code lens the server's own arguments are passed through.
 */
async function generate(args: unknown[]): Promise<unknown> {
  await serialized(start);
  const c = client;
  if (c === undefined) {
    return undefined;
  }
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Cloudwerk: generating types, classes and wrangler config' },
    async () => {
      try {
        const result: unknown = await c.sendRequest(ExecuteCommandRequest.type, { command: SERVER_GENERATE_COMMAND, arguments: args });
        // The server answers with a one-line summary ("cloudwerk: generate updated 3 files").
        if (typeof result === 'string' && result !== '') {
          output.info(result);
          void vscode.window.showInformationMessage(result);
        }
        return result;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        output.error(`generate: ${message}`);
        void vscode.window.showErrorMessage(`Cloudwerk: generate failed: ${message}`, 'Show Output').then((choice) => {
          if (choice !== undefined) {
            output.show(true);
          }
        });
        return undefined;
      }
    },
  );
}

async function showUserError(e: UserError): Promise<void> {
  const choice = await vscode.window.showErrorMessage(e.message, ...e.actions);
  if (choice === OPEN_SETTINGS) {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'cloudwerk.server');
  } else if (choice === SHOW_INSTALL) {
    output.info(installInstructions(lastLookup));
    output.show(true);
  }
}
