// DELIBERATE MISTAKE. DEFINE_NOT_IMPORTED: defineDurableObject is used without its
// import, so loading the Worker throws "ReferenceError: defineDurableObject is not
// defined" and nothing starts. `cloudwerk-lsp check` reports it (quick fix: add the
// import). The end-to-end suites leave this file out.
export default defineDurableObject({
  sqlite: true,
  init: () => ({ notes: [] as string[] }),

  methods: {
    async add(note: string) {
      this.state.notes.push(note)
      return this.state.notes.length
    },
  },
})
