// The Worker source `npm run build` bundles to dist/index.js.
export * from '../.cloudwerk/generated/objects'
export { Presence } from '../workers/presence'

export default {
  async fetch(): Promise<Response> {
    return new Response('template-app')
  },
}
