import { defineConfig } from '@cloudwerk/core'

export default defineConfig({
  appDir: 'app',
})
