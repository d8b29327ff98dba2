import { defineDurableObject } from '@cloudwerk/durable-object'

export default defineDurableObject<{ messages: string[] }>({
  sqlite: true,

  init() {
    return { messages: [] }
  },

  methods: {
    async post(text: string): Promise<number> {
      this.state.messages.push(text)
      return this.state.messages.length
    },
  },

  async webSocketMessage(ws, message) {
    ws.send(String(message))
  },
})
