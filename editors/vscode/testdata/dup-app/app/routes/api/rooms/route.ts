import { durableObjects } from '@cloudwerk/core/bindings'

export async function POST(request: Request) {
  const id = durableObjects.Counter.idFromName('global')
  const counter = durableObjects.Counter.get(id)
  const total = await counter.increment(1)
  return Response.json({ total })
}
