import { durableObjects } from '@cloudwerk/core/bindings'

export async function POST(request: Request) {
  const stub = durableObjects.HitLog.get(durableObjects.HitLog.idFromName('all'))
  const hits = await stub.record(new URL(request.url).pathname)
  return Response.json({ hits })
}
