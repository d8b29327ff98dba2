import { defineDurableObject } from '@cloudwerk/durable-object'

interface HitLogState {
  hits: number
}

export default defineDurableObject<HitLogState>({
  init() {
    return { hits: 0 }
  },

  methods: {
    async record(path: string): Promise<number> {
      this.state.hits += 1
      return this.state.hits
    },
  },
})
