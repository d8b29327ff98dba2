// app/objects/rate-limiter.ts
import { defineDurableObject } from '@cloudwerk/durable-object'

interface RateLimiterState {
  hits: Record<string, number>
  windowStart: number
}

const WINDOW_MS = 60_000

export default defineDurableObject<RateLimiterState>({
  init() {
    return { hits: {}, windowStart: Date.now() }
  },

  methods: {
    async check(key: string, limit: number = 10): Promise<{ allowed: boolean; remaining: number }> {
      if (Date.now() - this.state.windowStart > WINDOW_MS) {
        this.state.hits = {}
        this.state.windowStart = Date.now()
      }
      const used = (this.state.hits[key] ?? 0) + 1
      this.state.hits[key] = used
      return { allowed: used <= limit, remaining: Math.max(0, limit - used) }
    },

    reset: async function (key: string) {
      delete this.state.hits[key]
    },
  },

  async alarm() {
    this.state.hits = {}
    this.state.windowStart = Date.now()
  },
})
