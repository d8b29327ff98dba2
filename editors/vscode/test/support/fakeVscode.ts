// A stand-in for the `vscode` module, just large enough to activate the
// extension and watch what it shows: settings come from a table, messages and
// output lines are recorded, and the user's button choice is scripted.
import Module from 'node:module';

type Listener<T> = (e: T) => unknown;

export interface FakeSettings {
  [key: string]: { globalValue?: unknown; workspaceValue?: unknown; workspaceFolderValue?: unknown; defaultValue?: unknown };
}

export class FakeVscode {
  readonly errors: { message: string; items: string[] }[] = [];
  readonly output: string[] = [];
  readonly commands = new Map<string, (...args: unknown[]) => unknown>();
  readonly executed: { command: string; args: unknown[] }[] = [];
  /** The button the user clicks on the next error message (undefined: dismissed). */
  nextChoice: string | undefined;
  private readonly configListeners: Listener<{ affectsConfiguration(s: string): boolean }>[] = [];

  constructor(
    public settings: FakeSettings,
    public trusted = true,
    public folder: string | undefined = undefined,
  ) {}

  /** Fires onDidChangeConfiguration for the given setting keys. */
  changeConfiguration(keys: string[]): void {
    for (const l of this.configListeners) {
      l({ affectsConfiguration: (s) => keys.some((k) => k === s || k.startsWith(`${s}.`)) });
    }
  }

  module(): Record<string, unknown> {
    const self = this;
    const disposable = { dispose() {} };
    const log = (level: string) => (msg: string) => {
      self.output.push(`${level}: ${msg}`);
    };
    class Base {}
    const classes = Object.fromEntries(
      ['CompletionItem', 'CodeLens', 'DocumentLink', 'CodeAction', 'Diagnostic', 'CallHierarchyItem', 'TypeHierarchyItem', 'SymbolInformation', 'InlayHint', 'CancellationError'].map(
        (n) => [n, class extends Base {}],
      ),
    );
    return {
      ...classes,
      Disposable: class {
        static from() {
          return disposable;
        }
        dispose() {}
      },
      ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
      window: {
        createOutputChannel: () => ({
          info: log('info'),
          warn: log('warn'),
          error: log('error'),
          debug: log('debug'),
          trace: log('trace'),
          appendLine: log('line'),
          append: log('text'),
          show() {
            self.output.push('<shown>');
          },
          dispose() {},
        }),
        showErrorMessage: async (message: string, ...items: string[]) => {
          self.errors.push({ message, items });
          const choice = self.nextChoice;
          self.nextChoice = undefined;
          return choice;
        },
        withProgress: async (_o: unknown, task: () => Promise<unknown>) => task(),
      },
      commands: {
        registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
          if (self.commands.has(id)) {
            throw new Error(`command '${id}' already exists`);
          }
          self.commands.set(id, fn);
          return { dispose: () => self.commands.delete(id) };
        },
        executeCommand: async (command: string, ...args: unknown[]) => {
          self.executed.push({ command, args });
        },
      },
      workspace: {
        get isTrusted() {
          return self.trusted;
        },
        get workspaceFolders() {
          return self.folder === undefined ? undefined : [{ uri: { scheme: 'file', fsPath: self.folder }, name: 'ws', index: 0 }];
        },
        getConfiguration: () => ({
          inspect: (key: string) => ({ key, ...self.settings[key] }),
          get: (key: string) => {
            const s = self.settings[key];
            return s?.workspaceFolderValue ?? s?.workspaceValue ?? s?.globalValue ?? s?.defaultValue;
          },
        }),
        onDidChangeConfiguration: (l: Listener<{ affectsConfiguration(s: string): boolean }>) => {
          self.configListeners.push(l);
          return disposable;
        },
        onDidGrantWorkspaceTrust: () => disposable,
      },
    };
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
