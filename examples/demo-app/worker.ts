// worker.ts — the Worker entry. Routes are dispatched by Cloudwerk; this demo
// entry only exposes the generated durable-object classes to the runtime.
export * from './.cloudwerk/generated/objects'

export default {
  async fetch(): Promise<Response> {
    return new Response('demo-app: see app/routes', { status: 200 })
  },
}
