import { defineConfig } from '@cloudwerk/core'

export default defineConfig({
  ui: {
    renderer: 'hono-jsx',
  },
  // A hand-written class, declared the way Cloudwerk's config reference shows.
  durableObjects: {
    PRESENCE: {
      class: './workers/presence.ts',
      className: 'Presence',
    },
  },
})
