// app/routes/api/counter/[id]/route.ts
import { durableObjects } from '@cloudwerk/core/bindings'
import type { CloudwerkHandlerContext } from '@cloudwerk/core'

export async function GET(request: Request, { params }: CloudwerkHandlerContext<{ id: string }>) {
  const id = durableObjects.Counter.idFromName(params.id)
  const counter = durableObjects.Counter.get(id)
  const value = await counter.getValue()
  return Response.json({ value })
}

export async function POST(request: Request, { params }: CloudwerkHandlerContext<{ id: string }>) {
  const id = durableObjects.Counter.idFromName(params.id)
  const counter = durableObjects.Counter.get(id)

  // Native RPC - direct method calls!
  const value = await counter.increment(5)

  return Response.json({ value })
}
