// app/routes/api/track/route.ts
import { durableObjects } from '@cloudwerk/core/bindings'

export async function POST(request: Request) {
  const limiter = durableObjects.RateLimiter.get(durableObjects.RateLimiter.idFromName('global'))
  const ip = request.headers.get('CF-Connecting-IP') ?? 'unknown'
  const { allowed, remaining } = await limiter.check(ip, 100)
  if (!allowed) return new Response('Too many requests', { status: 429 })

  const event = await request.json<{ name: string; properties?: Record<string, string> }>()
  const analytics = durableObjects.Analytics.get(durableObjects.Analytics.idFromName('global'))
  const total = await analytics.track(event)
  return Response.json({ total, remaining })
}
