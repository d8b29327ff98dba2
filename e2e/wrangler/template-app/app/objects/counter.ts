import { defineDurableObject } from '@cloudwerk/durable-object'

export default defineDurableObject<{ value: number }>({
  sqlite: true,

  init() {
    return { value: 0 }
  },

  methods: {
    async increment(by: number = 1): Promise<number> {
      this.state.value += by
      return this.state.value
    },
  },
})
