// This file defines the renderers of .cloudwerk/generated/objects/: one class per
// durable object extending DurableObject from cloudflare:workers, the index that
// re-exports them, and the shared runtime that makes their state durable.

package codegen

import (
	"bytes"
	"path/filepath"
	"strings"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

// RuntimeFile is the module the generated classes share. Its name starts with `_`,
// which no class name can (class names start with an upper-case letter).
const RuntimeFile = "_runtime.ts"

// handlerSignatures are the class members generated for definition handlers, in
// output order: the member's signature and the arguments passed to the definition.
var handlerSignatures = []struct {
	Field, Signature, Args string
}{
	{"fetch", "fetch(request: Request): Promise<Response>", "[request, this.env]"},
	{"alarm", "alarm(): Promise<void>", "[]"},
	{"webSocketMessage", "webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void>", "[ws, message]"},
	{"webSocketClose", "webSocketClose(ws: WebSocket, code: number, reason: string, wasClean: boolean): Promise<void>", "[ws, code, reason, wasClean]"},
	{"webSocketError", "webSocketError(ws: WebSocket, error: unknown): Promise<void>", "[ws, error]"},
}

// classesTypesImport is the module specifier of the types file seen from the classes folder.
func classesTypesImport(root string) string {
	return strings.TrimSuffix(relImport(filepath.Join(root, ClassesDir), filepath.Join(root, TypesFile)), ".d")
}

// renderClass renders <Class>.ts for o into scratch's memory (nil for new
// memory); typesImport is classesTypesImport(root).
func renderClass(scratch []byte, root, typesImport string, o object) []byte {
	e := o.Entry
	scope := newTypeScope(o.importFrom(root, ClassesDir), e.Def)

	b := bytes.NewBuffer(scratch[:0]) // returned as is: no copy of the finished file
	b.Grow(2048)
	b.WriteString(generatedBanner)
	writeAll(b, "// Source: ", o.RelPath, "\n")
	b.WriteString("import { DurableObject } from 'cloudflare:workers';\n")
	writeAll(b, "import definition from '", scope.importPath, "';\n")
	writeAll(b, "import type { Env } from '", typesImport, "';\n")
	writeAll(b, "import { ObjectRuntime } from './", strings.TrimSuffix(RuntimeFile, ".ts"), "';\n\n")

	storage := "key-value storage"
	if o.Entry.Def.SQLite() {
		storage = "SQLite storage"
	}
	writeAll(b, "/** Durable object `", e.ObjectName, "` (binding ", e.BindingName, ", ", storage, "). */\n")
	writeAll(b, "export class ", e.ClassName, " extends DurableObject<Env> {\n")
	b.WriteString("  readonly #runtime: ObjectRuntime;\n\n")
	b.WriteString("  constructor(ctx: DurableObjectState, env: Env) {\n")
	b.WriteString("    super(ctx, env);\n")
	b.WriteString("    this.#runtime = new ObjectRuntime(ctx, env, definition);\n")
	b.WriteString("  }\n")

	methods, holes := o.methodsIn(scope)
	for _, m := range methods {
		writeAll(b, "\n  async ", m.Name, "(")
		writeFilled(b, m.Params, holes, scope.importPath)
		b.WriteString("): ")
		writeFilled(b, m.Result, holes, scope.importPath)
		b.WriteString(" {\n")
		if m.Awaited == "unknown" {
			writeAll(b, "    return this.#runtime.method('", m.Name, "', [", m.Args, "]);\n")
		} else {
			writeAll(b, "    return (await this.#runtime.method('", m.Name, "', [", m.Args, "])) as Awaited<")
			writeFilled(b, m.Awaited, holes, scope.importPath)
			b.WriteString(">;\n")
		}
		b.WriteString("  }\n")
	}
	for _, h := range handlerSignatures {
		if !hasHandler(e.Def, h.Field) {
			continue
		}
		writeAll(b, "\n  async ", h.Signature, " {\n")
		if h.Field == "fetch" {
			writeAll(b, "    return (await this.#runtime.handler('fetch', ", h.Args, ")) as Response;\n")
		} else {
			writeAll(b, "    await this.#runtime.handler('", h.Field, "', ", h.Args, ");\n")
		}
		b.WriteString("  }\n")
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// textBuffer is what the renderers write to (strings.Builder, bytes.Buffer).
type textBuffer interface {
	WriteString(s string) (int, error)
}

// writeAll appends parts without building an intermediate string.
func writeAll(b textBuffer, parts ...string) {
	for _, p := range parts {
		b.WriteString(p)
	}
}

// hasHandler reports whether the definition declares field (with any value: a
// non-function value is INVALID_CONFIG and throws at load time anyway).
func hasHandler(def *analysis.Definition, field string) bool {
	return def != nil && def.Has(field)
}

// renderIndex renders index.ts, re-exporting every class.
func renderIndex(objs []object) []byte {
	var b strings.Builder
	b.WriteString(generatedBanner)
	b.WriteString("// Re-export these from the Worker entry: export * from './.cloudwerk/generated/objects';\n")
	if len(objs) == 0 {
		b.WriteString("export {};\n")
	}
	for _, o := range objs {
		b.WriteString("export { " + o.Entry.ClassName + " } from './" + o.Entry.ClassName + "';\n")
	}
	return []byte(b.String())
}

// renderRuntime renders the module shared by the classes. It does not depend on the app.
func renderRuntime(root string) []byte {
	typesImport := classesTypesImport(root)
	return []byte(generatedBanner + strings.Replace(runtimeSource, "{{TYPES}}", typesImport, 1))
}

// runtimeSource is the shared runtime. State lives in storage under one internal
// key: it is loaded on first use inside blockConcurrencyWhile (so no call sees a
// half-loaded object), `init` runs only when nothing is stored, the definition's
// schema validates it, and it is saved after every method and handler that
// succeeds. A failed call drops the in-memory state so the next call reloads the
// last saved one. The storage handed to definitions hides the internal keys from
// list() and notices deleteAll(): a handler that clears storage does not get its
// old state written back (the next call starts from init again).
const runtimeSource = `// The runtime shared by the generated durable-object classes.
import type { Env } from '{{TYPES}}';

/** What ` + "`this.ctx`" + ` offers inside a definition's methods and handlers. */
export interface DurableObjectContext {
  readonly storage: DurableObjectStorage;
  /** Only usable when the class was created by new_sqlite_classes (sqlite: true). */
  readonly sql: SqlStorage;
  readonly id: DurableObjectId;
  readonly env: Env;
  getWebSockets(tag?: string): WebSocket[];
  acceptWebSocket(ws: WebSocket, tags?: string[]): void;
  getTags(ws: WebSocket): string[];
}

/** ` + "`this`" + ` inside a definition's methods and handlers. */
export interface HandlerContext {
  state: unknown;
  ctx: DurableObjectContext;
}

type Handler = (this: HandlerContext, ...args: any[]) => unknown;

/** The parts of a defineDurableObject(...) config the classes use. */
interface DefinitionConfig {
  schema?: { parse(value: unknown): unknown };
  init?: (ctx: DurableObjectContext, env: Env) => unknown;
  methods?: Record<string, Handler | undefined>;
  fetch?: Handler;
  alarm?: Handler;
  webSocketMessage?: Handler;
  webSocketClose?: Handler;
  webSocketError?: Handler;
}

export type HandlerName = 'fetch' | 'alarm' | 'webSocketMessage' | 'webSocketClose' | 'webSocketError';

/** Keys the runtime owns start with this prefix; list() does not show them to definitions. */
const INTERNAL_PREFIX = '__cloudwerk__/';
/** The storage key that holds the object's state. */
const STATE_KEY = INTERNAL_PREFIX + 'state';
/** Where earlier generated classes kept the state; moved to STATE_KEY on first load. */
const LEGACY_STATE_KEY = '__cloudwerk_state__';

function isInternalKey(key: string): boolean {
  return key === LEGACY_STATE_KEY || key.startsWith(INTERNAL_PREFIX);
}

/** The storage definitions see: list() without internal keys, deleteAll() reported to onClear. */
function userStorage(storage: DurableObjectStorage, onClear: () => void): DurableObjectStorage {
  const list = async (options: DurableObjectListOptions = {}): Promise<Map<string, unknown>> => {
    const limit = options.limit;
    // One internal key may fall in the range: ask for one more so the limit still holds.
    const found = await storage.list(limit === undefined ? options : { ...options, limit: limit + 1 });
    const out = new Map<string, unknown>();
    for (const [key, value] of found) {
      if (isInternalKey(key)) continue;
      if (limit !== undefined && out.size >= limit) break;
      out.set(key, value);
    }
    return out;
  };
  const deleteAll = async (options?: DurableObjectPutOptions): Promise<void> => {
    onClear();
    await storage.deleteAll(options);
  };
  return new Proxy(storage, {
    get(target, prop) {
      if (prop === 'list') return list;
      if (prop === 'deleteAll') return deleteAll;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export class ObjectRuntime {
  readonly #state: DurableObjectState;
  readonly #env: Env;
  readonly #config: DefinitionConfig;
  readonly #context: DurableObjectContext;
  #loaded = false;
  #value: unknown = undefined;
  /** Set when a definition called storage.deleteAll() during the current call. */
  #cleared = false;

  constructor(state: DurableObjectState, env: Env, definition: { config: unknown }) {
    this.#state = state;
    this.#env = env;
    this.#config = (definition.config ?? {}) as DefinitionConfig;
    this.#context = {
      storage: userStorage(state.storage, () => {
        this.#cleared = true;
      }),
      // A getter: workerd throws on touching sql of a class without SQLite storage.
      get sql(): SqlStorage {
        return state.storage.sql;
      },
      id: state.id,
      env,
      getWebSockets: (tag?: string) => state.getWebSockets(tag),
      acceptWebSocket: (ws: WebSocket, tags?: string[]) => state.acceptWebSocket(ws, tags),
      getTags: (ws: WebSocket) => state.getTags(ws),
    };
  }

  /** Runs methods[name] of the definition with the handler context. */
  method(name: string, args: unknown[]): Promise<unknown> {
    const fn = this.#config.methods?.[name];
    if (typeof fn !== 'function') {
      return Promise.reject(new TypeError(` + "`Durable object method \"${name}\" is not a function`" + `));
    }
    return this.#run(fn, args);
  }

  /** Runs a handler (fetch, alarm, webSocket*) of the definition. */
  handler(name: HandlerName, args: unknown[]): Promise<unknown> {
    const fn = this.#config[name];
    if (typeof fn !== 'function') {
      if (name === 'fetch') return Promise.resolve(new Response('Not Found', { status: 404 }));
      return Promise.resolve(undefined);
    }
    return this.#run(fn, args);
  }

  async #run(fn: Handler, args: unknown[]): Promise<unknown> {
    await this.#load();
    const context: HandlerContext = { state: this.#value, ctx: this.#context };
    this.#cleared = false;
    try {
      const result = await fn.apply(context, args);
      if (this.#cleared) {
        // The definition cleared storage: writing the state back would undo it.
        this.#forget();
        return result;
      }
      this.#value = this.#validate(context.state);
      if (this.#value !== undefined) await this.#state.storage.put(STATE_KEY, this.#value);
      return result;
    } catch (error) {
      this.#forget();
      throw error;
    } finally {
      this.#cleared = false;
    }
  }

  /** Drops the in-memory state: the next call loads what storage holds. */
  #forget(): void {
    this.#loaded = false;
    this.#value = undefined;
  }

  async #load(): Promise<void> {
    if (this.#loaded) return;
    await this.#state.blockConcurrencyWhile(async () => {
      if (this.#loaded) return;
      const storage = this.#state.storage;
      let value: unknown = await storage.get(STATE_KEY);
      if (value === undefined) {
        value = await storage.get(LEGACY_STATE_KEY);
        if (value !== undefined) {
          await storage.put(STATE_KEY, value);
          await storage.delete(LEGACY_STATE_KEY);
        }
      }
      if (value === undefined && this.#config.init) {
        value = await this.#config.init(this.#context, this.#env);
      }
      this.#value = this.#validate(value);
      this.#loaded = true;
    });
  }

  #validate(value: unknown): unknown {
    const schema = this.#config.schema;
    return schema && value !== undefined ? schema.parse(value) : value;
  }
}
`
