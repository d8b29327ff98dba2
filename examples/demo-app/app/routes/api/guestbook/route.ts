// DELIBERATE MISTAKES. Route code written the way Cloudwerk's README calls durable
// objects; every commented call fails at run time or silently misbehaves.
// `cloudwerk-lsp check` reports each one; see the README.
import { durableObjects } from '@cloudwerk/core/bindings'

export async function POST(request: Request) {
  const { name, text } = (await request.json()) as { name: string; text: string }

  // STUB_ID: get() takes a DurableObjectId, not a name: "TypeError: Failed to execute
  // 'get' on 'DurableObjectNamespace': parameter 1 is not of type 'DurableObjectId'".
  const visits = durableObjects.Counter.get('guestbook-visits')

  // RPC_ARGS: increment takes one argument; the extra one is dropped.
  await visits.increment(1, 'guestbook')

  // UNKNOWN_NAMESPACE_MEMBER: a namespace has no getById ("TypeError: ... is not a function").
  const book = durableObjects.Guestbook.getById('main')
  return Response.json({ signed: await book.sign(name, text) })
}
