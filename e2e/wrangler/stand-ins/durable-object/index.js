// TEST STAND-IN for @cloudwerk/durable-object (not the real package): the same
// checks defineDurableObject runs at module load, written for this test suite.

export class DurableObjectConfigError extends Error {
  constructor(message, field) {
    super(message);
    this.name = 'DurableObjectConfigError';
    this.field = field;
  }
}

export class DurableObjectNoHandlerError extends Error {
  constructor(message) {
    super(message);
    this.name = 'DurableObjectNoHandlerError';
  }
}

const RESERVED = new Set(['fetch', 'alarm', 'webSocketMessage', 'webSocketClose', 'webSocketError', 'constructor', 'init']);
const HANDLERS = ['init', 'fetch', 'alarm', 'webSocketMessage', 'webSocketClose', 'webSocketError'];
const NAME = /^[a-z][a-z0-9-]*$/;
const METHOD = /^[a-zA-Z_$][a-zA-Z0-9_$]*$/;

export function defineDurableObject(config) {
  if (config.name !== undefined && (typeof config.name !== 'string' || !NAME.test(config.name))) {
    throw new DurableObjectConfigError(`Invalid durable object name: ${String(config.name)}`, 'name');
  }
  if (config.sqlite !== undefined && typeof config.sqlite !== 'boolean') {
    throw new DurableObjectConfigError('sqlite must be a boolean', 'sqlite');
  }
  for (const field of HANDLERS) {
    if (config[field] !== undefined && typeof config[field] !== 'function') {
      throw new DurableObjectConfigError(`${field} must be a function`, field);
    }
  }
  if (config.methods !== undefined) {
    if (typeof config.methods !== 'object' || config.methods === null) {
      throw new DurableObjectConfigError('methods must be an object', 'methods');
    }
    for (const [name, fn] of Object.entries(config.methods)) {
      if (RESERVED.has(name)) throw new DurableObjectConfigError(`Method name "${name}" is reserved`, 'methods');
      if (!METHOD.test(name)) throw new DurableObjectConfigError(`Invalid method name: ${name}`, 'methods');
      if (typeof fn !== 'function') throw new DurableObjectConfigError(`Method "${name}" must be a function`, 'methods');
    }
  }
  const hasMethods = config.methods !== undefined && Object.keys(config.methods).length > 0;
  if (!config.fetch && !config.alarm && !config.webSocketMessage && !hasMethods) {
    throw new DurableObjectNoHandlerError('A durable object needs fetch, alarm, webSocketMessage or at least one method');
  }
  return {
    __brand: 'cloudwerk-durable-object',
    name: config.name,
    sqlite: config.sqlite ?? false,
    schema: config.schema,
    config,
  };
}

export function isDurableObjectDefinition(value) {
  return typeof value === 'object' && value !== null && value.__brand === 'cloudwerk-durable-object';
}
