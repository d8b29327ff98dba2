// TEST STAND-IN for @cloudwerk/core (not the real package).
export function defineConfig(config) {
  return config;
}
