// Bundles the extension into one CommonJS file for VS Code's extension host.
// `--production` minifies and drops source maps (what goes into the .vsix).
import * as esbuild from 'esbuild';
import { rmSync } from 'node:fs';

const production = process.argv.includes('--production');

// A stale source map from a development build must not end up next to a minified bundle.
rmSync('dist', { recursive: true, force: true });

await esbuild.build({
  entryPoints: ['src/extension.ts'],
  bundle: true,
  outfile: 'dist/extension.js',
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['vscode'],
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  metafile: false,
});
