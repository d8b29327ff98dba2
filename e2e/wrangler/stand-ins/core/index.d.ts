// TEST STAND-IN for @cloudwerk/core (not the real package): the few root exports the demo app uses.
export interface CloudwerkConfig {
  appDir?: string;
  extensions?: string[];
}
export declare function defineConfig(config: CloudwerkConfig): CloudwerkConfig;
export interface CloudwerkHandlerContext<TParams = Record<string, string>> {
  params: TParams;
}
