// app/objects/chat-room.ts
import { defineDurableObject } from '@cloudwerk/durable-object'

export interface ChatMessage {
  user: string
  text: string
  at: number
}

interface ChatRoomState {
  messages: ChatMessage[]
}

export default defineDurableObject<ChatRoomState>({
  init() {
    return { messages: [] }
  },

  methods: {
    async getHistory(limit: number = 50): Promise<ChatMessage[]> {
      return this.state.messages.slice(-limit)
    },

    async post(user: string, text: string): Promise<ChatMessage> {
      const message = { user, text, at: Date.now() }
      this.state.messages.push(message)
      for (const ws of this.ctx.getWebSockets()) ws.send(JSON.stringify(message))
      return message
    },
  },

  async fetch(request) {
    if (request.headers.get('Upgrade') !== 'websocket') {
      return new Response('Expected a WebSocket upgrade', { status: 426 })
    }
    const user = new URL(request.url).searchParams.get('user') ?? 'anonymous'
    const pair = new WebSocketPair()
    this.ctx.acceptWebSocket(pair[1], [user])
    return new Response(null, { status: 101, webSocket: pair[0] })
  },

  async webSocketMessage(ws, message) {
    const text = typeof message === 'string' ? message : new TextDecoder().decode(message)
    const entry = { user: 'anonymous', text, at: Date.now() }
    this.state.messages.push(entry)
    for (const peer of this.ctx.getWebSockets()) {
      if (peer !== ws) peer.send(JSON.stringify(entry))
    }
  },

  async webSocketClose(ws, code, reason) {
    ws.close(code, reason)
  },

  async webSocketError(ws, error) {
    console.error('chat socket error', error)
  },
})
