import { defineDurableObject } from '@cloudwerk/durable-object'

interface LobbyState {
  members: string[]
}

export default defineDurableObject<LobbyState>({
  sqlite: true,

  init() {
    return { members: [] }
  },

  methods: {
    async join(member: string) {
      this.state.members.push(member)
    },
  },
})
