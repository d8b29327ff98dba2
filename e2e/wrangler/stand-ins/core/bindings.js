// TEST STAND-IN for @cloudwerk/core/bindings (not the real package): the same
// name mapping as the real module, reading bindings from the Worker's env.
import { env } from 'cloudflare:workers';

function objectNameToBindingName(name) {
  return name.replace(/([A-Z])/g, '_$1').toUpperCase().replace(/^_/, '');
}

function bindingNameToObjectName(binding) {
  return binding.toLowerCase().replace(/_([a-z])/g, (_, c) => c.toUpperCase());
}

function isNamespace(value) {
  return typeof value === 'object' && value !== null && typeof value.idFromName === 'function' && typeof value.get === 'function';
}

export function getDurableObject(name) {
  const binding = objectNameToBindingName(name);
  const ns = env[binding];
  if (!isNamespace(ns)) throw new Error(`Durable object binding ${binding} (for "${name}") not found`);
  return ns;
}

export function hasDurableObject(name) {
  return isNamespace(env[objectNameToBindingName(name)]);
}

export function getDurableObjectNames() {
  return Object.keys(env).filter((k) => isNamespace(env[k])).map(bindingNameToObjectName);
}

export const durableObjects = new Proxy({}, {
  get(_target, prop) {
    return typeof prop === 'string' ? getDurableObject(prop) : undefined;
  },
});
