import { defineDurableObject } from '@cloudwerk/durable-object'

interface RoomState {
  messages: string[]
}

export default defineDurableObject<RoomState>({
  sqlite: true,

  init() {
    return { messages: [] }
  },

  methods: {
    async post(text: string): Promise<number> {
      this.state.messages.push(text)
      return this.state.messages.length
    },

    async history(): Promise<string[]> {
      return this.state.messages
    },
  },
})
