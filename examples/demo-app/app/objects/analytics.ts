// app/objects/analytics.ts
import { defineDurableObject } from '@cloudwerk/durable-object'

export interface AnalyticsEvent {
  name: string
  properties?: Record<string, string>
}

interface AnalyticsState {
  total: number
}

export default defineDurableObject<AnalyticsState>({
  sqlite: true,

  init(ctx) {
    ctx.sql.exec(`CREATE TABLE IF NOT EXISTS events (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      name TEXT NOT NULL,
      properties TEXT,
      at INTEGER NOT NULL
    )`)
    return { total: 0 }
  },

  methods: {
    async track(event: AnalyticsEvent): Promise<number> {
      this.ctx.sql.exec(
        'INSERT INTO events (name, properties, at) VALUES (?, ?, ?)',
        event.name,
        JSON.stringify(event.properties ?? {}),
        Date.now(),
      )
      this.state.total += 1
      return this.state.total
    },

    async count(name: string): Promise<number> {
      const row = this.ctx.sql.exec('SELECT COUNT(*) AS n FROM events WHERE name = ?', name).one()
      return Number(row.n)
    },

    async topEvents(limit = 5): Promise<Array<{ name: string; n: number }>> {
      return this.ctx.sql
        .exec('SELECT name, COUNT(*) AS n FROM events GROUP BY name ORDER BY n DESC LIMIT ?', limit)
        .toArray() as Array<{ name: string; n: number }>
    },
  },
})
