// app/objects/counter.ts
import { defineDurableObject } from '@cloudwerk/durable-object'

interface CounterState {
  value: number
}

export default defineDurableObject<CounterState>({
  sqlite: true,

  async init(ctx) {
    ctx.sql.exec(`CREATE TABLE IF NOT EXISTS increments (id INTEGER PRIMARY KEY, amount INTEGER NOT NULL)`)
    return { value: 0 }
  },

  methods: {
    async increment(amount = 1) {
      this.state.value += amount
      this.ctx.sql.exec('INSERT INTO increments (amount) VALUES (?)', amount)
      return this.state.value
    },

    async getValue(): Promise<number> {
      return this.state.value
    },

    async reset() {
      this.state.value = 0
    },
  },
})
