// DELIBERATE MISTAKES. This object is written the way Cloudwerk's README and guides
// write objects, and every commented line below fails at run time (workerd's own
// errors are quoted). `cloudwerk-lsp check` reports each one; see the README's
// "What check says about the example". The end-to-end suites leave this file out.
import { defineDurableObject } from '@cloudwerk/durable-object'

interface GuestbookState {
  entries: number
}

// SQL_WITHOUT_SQLITE: no `sqlite: true`, so the class is KV-backed and the first SQL
// call throws "SQL is not enabled for this Durable Object class".
export default defineDurableObject<GuestbookState>({
  init(ctx) {
    // SQL_API: SqlStorage has no run() (Cloudwerk's typings declare one, so tsc is
    // silent): "TypeError: ctx.sql.run is not a function".
    ctx.sql.run('CREATE TABLE IF NOT EXISTS entries (name TEXT, text TEXT)')
    return { entries: 0 }
  },

  methods: {
    // HANDLER_PARAMS: the README's context parameter. The runtime passes the
    // caller's first argument here, so ctx.sql is undefined.
    async sign(ctx, name: string, text: string) {
      ctx.sql.exec('INSERT INTO entries VALUES (?, ?)', name, text)
      return name
    },

    async count() {
      // UNKNOWN_CONTEXT_MEMBER: `this` is only { state, ctx }:
      // "TypeError: this.announce is not a function".
      this.announce(`${this.state.entries} entries`)
      return this.state.entries
    },
  },
})
