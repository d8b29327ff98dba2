import { defineDurableObject } from '@cloudwerk/durable-object'

interface CounterState {
  value: number
}

export default defineDurableObject<CounterState>({
  sqlite: true,

  init() {
    return { value: 0 }
  },

  methods: {
    async increment(amount = 1): Promise<number> {
      this.state.value += amount
      return this.state.value
    },

    async getValue(): Promise<number> {
      return this.state.value
    },
  },
})
