// Stands in for `cloudwerk build`: bundles the Worker source to dist/index.js
// (the template's `main`) and writes the static assets folder.
import { build } from 'esbuild'
import { mkdirSync, writeFileSync } from 'node:fs'

await build({
  entryPoints: ['src/index.ts'],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  external: ['cloudflare:workers'],
  outfile: 'dist/index.js',
  logLevel: 'warning',
})
mkdirSync('dist/static', { recursive: true })
writeFileSync('dist/static/index.html', '<!doctype html><title>template-app</title>\n')
