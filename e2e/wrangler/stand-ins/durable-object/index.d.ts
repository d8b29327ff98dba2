// TEST STAND-IN for @cloudwerk/durable-object (not the real package): the exports
// Cloudwerk's runtime contract describes, so generated code is checked against them.

/** What `this.ctx` (and init's first argument) offers. */
export interface DurableObjectContext {
  storage: DurableObjectStorage;
  sql: SqlStorage;
  id: DurableObjectId;
  getWebSockets(tag?: string): WebSocket[];
  acceptWebSocket(ws: WebSocket, tags?: string[]): void;
}

/** `this` inside methods and handlers. */
export interface DurableObjectHandlerContext<TState> {
  state: TState;
  ctx: DurableObjectContext;
}

export interface DurableObjectSchema<TState> {
  parse(value: unknown): TState;
}

export type DurableObjectMethod<TState> = (this: DurableObjectHandlerContext<TState>, ...args: any[]) => unknown;

export interface DurableObjectConfig<TState = unknown, TEnv = any> {
  name?: string;
  sqlite?: boolean;
  schema?: DurableObjectSchema<TState>;
  init?: (ctx: DurableObjectContext, env: TEnv) => TState | Promise<TState>;
  methods?: Record<string, DurableObjectMethod<TState>>;
  fetch?: (this: DurableObjectHandlerContext<TState>, request: Request, env: TEnv) => Response | Promise<Response>;
  alarm?: (this: DurableObjectHandlerContext<TState>) => void | Promise<void>;
  webSocketMessage?: (this: DurableObjectHandlerContext<TState>, ws: WebSocket, message: string | ArrayBuffer) => void | Promise<void>;
  webSocketClose?: (this: DurableObjectHandlerContext<TState>, ws: WebSocket, code: number, reason: string) => void | Promise<void>;
  webSocketError?: (this: DurableObjectHandlerContext<TState>, ws: WebSocket, error: Error) => void | Promise<void>;
}

export interface DurableObjectDefinition<TState = unknown, TEnv = any> {
  readonly __brand: 'cloudwerk-durable-object';
  readonly name: string | undefined;
  readonly sqlite: boolean;
  readonly schema: DurableObjectSchema<TState> | undefined;
  readonly config: DurableObjectConfig<TState, TEnv>;
}

export declare class DurableObjectConfigError extends Error {
  readonly field: string;
  constructor(message: string, field: string);
}

export declare class DurableObjectNoHandlerError extends Error {
  constructor(message: string);
}

export declare function defineDurableObject<TState = unknown, TEnv = any>(
  config: DurableObjectConfig<TState, TEnv>,
): DurableObjectDefinition<TState, TEnv>;

export declare function isDurableObjectDefinition(value: unknown): value is DurableObjectDefinition;
