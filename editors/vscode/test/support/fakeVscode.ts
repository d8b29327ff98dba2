// A stand-in for the `vscode` module, large enough to activate the extension
// and to run vscode-languageclient's LanguageClient against a real server:
// settings come from a table, messages, output lines and commands are recorded,
// and the user's button choice is scripted. Members the client only touches in
// passing (provider registrations, events) fall back to inert stubs.
import Module from 'node:module';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type Listener<T> = (e: T) => unknown;

export interface FakeSettings {
  [key: string]: { globalValue?: unknown; workspaceValue?: unknown; workspaceFolderValue?: unknown; defaultValue?: unknown };
}

class Disposable {
  constructor(private readonly onDispose?: () => void) {}
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((d) => d.dispose()));
  }
  dispose(): void {
    this.onDispose?.();
  }
}

class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (l: Listener<T>) => {
    this.listeners.push(l);
    return new Disposable(() => {
      this.listeners = this.listeners.filter((x) => x !== l);
    });
  };
  fire(e: T): void {
    this.listeners.forEach((l) => l(e));
  }
  dispose(): void {
    this.listeners = [];
  }
}

class Uri {
  private constructor(
    readonly scheme: string,
    readonly fsPath: string,
  ) {}
  get path(): string {
    return this.fsPath;
  }
  static file(p: string): Uri {
    return new Uri('file', p);
  }
  static parse(s: string): Uri {
    return s.startsWith('file:') ? new Uri('file', fileURLToPath(s)) : new Uri(s.split(':')[0], s);
  }
  toString(): string {
    return this.scheme === 'file' ? pathToFileURL(this.fsPath).href : this.fsPath;
  }
  toJSON(): string {
    return this.toString();
  }
}

const noEvent = () => new Disposable();

/** An inert value for anything not modelled: callable, constructible, every member another stub. */
function stub(): unknown {
  return new Proxy(function () {}, {
    get: (_t, k) => (k === 'then' || typeof k === 'symbol' ? undefined : stub()),
    apply: () => stub(),
    construct: () => stub() as object,
  });
}

function withStubs<T extends object>(o: T): T {
  return new Proxy(o, {
    get: (t, k) => (k in t ? (t as Record<string | symbol, unknown>)[k] : k === 'then' || typeof k === 'symbol' ? undefined : stub()),
  });
}

export class FakeVscode {
  readonly errors: { message: string; items: string[] }[] = [];
  readonly infos: string[] = [];
  readonly output: string[] = [];
  readonly commands = new Map<string, (...args: unknown[]) => unknown>();
  readonly executed: { command: string; args: unknown[] }[] = [];
  /** Titles of the progress notifications that have ended (the server's and the extension's). */
  readonly progressDone: string[] = [];
  /** The button the user clicks on the next error message (undefined: dismissed). */
  nextChoice: string | undefined;
  private readonly configChanged = new EventEmitter<{ affectsConfiguration(s: string): boolean }>();

  constructor(
    public settings: FakeSettings,
    public trusted = true,
    public folder: string | undefined = undefined,
  ) {}

  /** Fires onDidChangeConfiguration for the given setting keys. */
  changeConfiguration(keys: string[]): void {
    this.configChanged.fire({ affectsConfiguration: (s) => keys.some((k) => k === s || k.startsWith(`${s}.`)) });
  }

  private value(key: string): unknown {
    const s = this.settings[key];
    return s?.workspaceFolderValue ?? s?.workspaceValue ?? s?.globalValue ?? s?.defaultValue;
  }

  module(): Record<string, unknown> {
    const self = this;
    const log = (level: string) => (msg: string) => {
      self.output.push(`${level}: ${msg}`);
    };
    class Base {}
    const classes = Object.fromEntries(
      ['CompletionItem', 'CodeLens', 'DocumentLink', 'CodeAction', 'Diagnostic', 'CallHierarchyItem', 'TypeHierarchyItem', 'SymbolInformation', 'InlayHint', 'CancellationError'].map(
        (n) => [n, class extends Base {}],
      ),
    );
    return withStubs({
      ...classes,
      version: '1.100.0',
      Disposable,
      EventEmitter,
      Uri,
      LogLevel: { Off: 0, Trace: 1, Debug: 2, Info: 3, Warning: 4, Error: 5 },
      ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
      env: withStubs({ language: 'en', appName: 'Visual Studio Code', machineId: 'fake', uiKind: 1 }),
      window: withStubs({
        activeTextEditor: undefined,
        visibleTextEditors: [],
        onDidChangeActiveTextEditor: noEvent,
        onDidChangeVisibleTextEditors: noEvent,
        createOutputChannel: (name: string) => ({
          name,
          logLevel: 3,
          onDidChangeLogLevel: noEvent,
          info: log('info'),
          warn: log('warn'),
          error: log('error'),
          debug: log('debug'),
          trace: log('trace'),
          appendLine: log('line'),
          append: log('text'),
          replace() {},
          clear() {},
          show() {
            self.output.push('<shown>');
          },
          hide() {},
          dispose() {},
        }),
        showErrorMessage: async (message: string, ...items: string[]) => {
          self.errors.push({ message, items });
          const choice = self.nextChoice;
          self.nextChoice = undefined;
          return choice;
        },
        showWarningMessage: async (message: string) => {
          self.output.push(`warning message: ${message}`);
          return undefined;
        },
        showInformationMessage: async (message: string) => {
          self.infos.push(message);
          return undefined;
        },
        withProgress: async (
          options: { title?: string },
          task: (progress: { report(v: unknown): void }, token: unknown) => Promise<unknown>,
        ) => {
          const token = { isCancellationRequested: false, onCancellationRequested: noEvent };
          try {
            return await task({ report() {} }, token);
          } finally {
            self.progressDone.push(options.title ?? '');
          }
        },
      }),
      commands: withStubs({
        registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
          // As VS Code: a second registration of an id fails.
          if (self.commands.has(id)) {
            throw new Error(`command '${id}' already exists`);
          }
          self.commands.set(id, fn);
          return new Disposable(() => self.commands.delete(id));
        },
        executeCommand: async (command: string, ...args: unknown[]) => {
          self.executed.push({ command, args });
        },
      }),
      languages: withStubs({
        match: () => 0,
        createDiagnosticCollection: () =>
          withStubs({ set() {}, delete() {}, clear() {}, dispose() {}, forEach() {}, get: () => [], has: () => false }),
      }),
      extensions: withStubs({ all: [], getExtension: () => undefined }),
      workspace: withStubs({
        get isTrusted() {
          return self.trusted;
        },
        get workspaceFolders() {
          return self.folder === undefined ? undefined : [{ uri: Uri.file(self.folder), name: 'ws', index: 0 }];
        },
        textDocuments: [],
        notebookDocuments: [],
        getConfiguration: () => ({
          inspect: (key: string) => ({ key, ...self.settings[key] }),
          get: (key: string, dflt?: unknown) => self.value(key) ?? dflt,
          has: (key: string) => key in self.settings,
        }),
        onDidChangeConfiguration: this.configChanged.event,
        onDidGrantWorkspaceTrust: noEvent,
        createFileSystemWatcher: () => ({ onDidCreate: noEvent, onDidChange: noEvent, onDidDelete: noEvent, dispose() {} }),
      }),
    });
  }
}

/** Makes `require('vscode')` return fake's module; returns the undo. */
export function installFakeVscode(fake: FakeVscode): () => void {
  const m = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = m._load;
  const api = fake.module();
  m._load = function (request: string, ...rest: unknown[]) {
    if (request === 'vscode') {
      return api;
    }
    return original.call(this, request, ...rest);
  };
  return () => {
    m._load = original;
  };
}

/** The extension's module: the sources, or the esbuild bundle when CLOUDWERK_EXTENSION_BUNDLE names it. */
export function extensionModulePath(): string {
  const bundle = process.env.CLOUDWERK_EXTENSION_BUNDLE;
  return bundle ? path.resolve(bundle) : require.resolve('../../src/extension');
}

/**
 * Loads a fresh copy of the extension (and of vscode-languageclient, which
 * captures the `vscode` module when loaded) against fake and activates it.
 */
export async function activateWith<T extends { activate(ctx: unknown): Promise<void> }>(fake: FakeVscode): Promise<T> {
  const target = extensionModulePath();
  const undo = installFakeVscode(fake);
  try {
    for (const id of Object.keys(require.cache)) {
      if (id === target || /[\\/]vscode-languageclient[\\/]/.test(id)) {
        delete require.cache[id];
      }
    }
    const ext = require(target) as T;
    await ext.activate({ subscriptions: [] });
    return ext;
  } finally {
    undo();
  }
}
