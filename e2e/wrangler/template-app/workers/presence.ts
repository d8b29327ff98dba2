// A hand-written Durable Object class: generate binds it, never writes it.
import { DurableObject } from 'cloudflare:workers'

export class Presence extends DurableObject {
  async fetch(): Promise<Response> {
    return new Response('presence')
  }
}
