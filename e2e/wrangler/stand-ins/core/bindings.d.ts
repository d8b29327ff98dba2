// TEST STAND-IN for @cloudwerk/core/bindings (not the real package): declared
// exactly as the real module declares them, so augmentations are checked for real.

export interface DurableObjectId {
  toString(): string;
  equals(other: DurableObjectId): boolean;
  readonly name?: string;
}

/** The type parameter is unused, as in the real package: nothing types RPC methods. */
export interface DurableObjectStub<_T = unknown> {
  readonly id: DurableObjectId;
  readonly name?: string;
  fetch(input: Request | string, init?: RequestInit): Promise<Response>;
}

export interface DurableObjectNamespace<T = unknown> {
  idFromName(name: string): DurableObjectId;
  idFromString(id: string): DurableObjectId;
  newUniqueId(options?: { jurisdiction?: string }): DurableObjectId;
  get(id: DurableObjectId): DurableObjectStub<T>;
}

export declare const durableObjects: Record<string, DurableObjectNamespace>;
export declare function getDurableObject<T = unknown>(name: string): DurableObjectNamespace<T>;
export declare function hasDurableObject(name: string): boolean;
export declare function getDurableObjectNames(): string[];
