package diagnostics

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

// benchObject is a realistic object file (about 1.4 KB): state type, sqlite,
// init, a few methods with typed parameters, a handler.
const benchObject = `// app/objects/%[1]s.ts
import { defineDurableObject } from '@cloudwerk/durable-object'

export interface Event%[2]d {
  name: string
  properties?: Record<string, string>
}

interface State%[2]d {
  total: number
  recent: Event%[2]d[]
}

export default defineDurableObject<State%[2]d>({
  sqlite: true,

  init(ctx) {
    ctx.sql.exec('CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, name TEXT NOT NULL, at INTEGER NOT NULL)')
    return { total: 0, recent: [] }
  },

  methods: {
    async track(event: Event%[2]d): Promise<number> {
      this.ctx.sql.exec('INSERT INTO events (name, at) VALUES (?, ?)', event.name, Date.now())
      this.state.total += 1
      this.state.recent = [event, ...this.state.recent].slice(0, 10)
      return this.state.total
    },

    async count(name: string): Promise<number> {
      const row = this.ctx.sql.exec('SELECT COUNT(*) AS n FROM events WHERE name = ?', name).one()
      return Number(row.n)
    },

    async recent(limit = 5): Promise<Event%[2]d[]> {
      return this.state.recent.slice(0, limit)
    },

    reset: async function () {
      this.ctx.sql.exec('DELETE FROM events')
      this.state.total = 0
    },
  },

  async alarm() {
    this.state.recent = []
  },
})
`

const benchRoute = `import { durableObjects, getDurableObject } from '@cloudwerk/core/bindings'

export async function GET(request: Request) {
  const stub = durableObjects.Obj%[1]d.get(durableObjects.Obj%[1]d.idFromName('x'))
  const n = await stub.count('visit')
  const other = getDurableObject('obj%[1]d')
  return Response.json({ n })
}
`

// writeBenchApp writes an app with n objects and n/10 route files.
func writeBenchApp(b *testing.B, n int) string {
	b.Helper()
	root := b.TempDir()
	objDir := filepath.Join(root, "app", "objects")
	if err := os.MkdirAll(objDir, 0o755); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("obj%d", i)
		if err := os.WriteFile(filepath.Join(objDir, name+".ts"), fmt.Appendf(nil, benchObject, name, i), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; i < n/10; i++ {
		dir := filepath.Join(root, "app", "routes", fmt.Sprintf("r%d", i))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "route.ts"), fmt.Appendf(nil, benchRoute, i), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return root
}

func runBenchCheck(b *testing.B, root string, objects int) {
	b.Helper()
	for b.Loop() {
		res, err := RunCheck([]string{root}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if res.Objects != objects {
			b.Fatalf("checked %d objects, want %d", res.Objects, objects)
		}
	}
}

// BenchmarkCheck is `check` end to end (discovery, reading, tree-sitter
// extraction, rules) with the on-disk cache off.
func BenchmarkCheck(b *testing.B) {
	b.Setenv("CLOUDWERK_LSP_CACHE", "off")
	for _, n := range []int{100, 1000, 10000} {
		var root string // written on first use: b.Run calls the function once per b.N try
		b.Run(fmt.Sprintf("objects=%d", n), func(sb *testing.B) {
			if root == "" {
				root = writeBenchApp(b, n)
			}
			runBenchCheck(sb, root, n)
		})
	}
}

// BenchmarkAnalyze is the rules alone (Analyze over a loaded app), the part the
// language server reruns.
func BenchmarkAnalyze(b *testing.B) {
	b.Setenv("CLOUDWERK_LSP_CACHE", "off")
	const n = 10000
	app, err := analysis.LoadApp(writeBenchApp(b, n))
	if err != nil {
		b.Fatal(err)
	}
	b.Run(fmt.Sprintf("objects=%d", n), func(b *testing.B) {
		for b.Loop() {
			Analyze(app, Options{})
		}
	})
}

// BenchmarkCheckWarm is `check` with a warm on-disk cache: unchanged files are
// not parsed again.
func BenchmarkCheckWarm(b *testing.B) {
	b.Setenv("CLOUDWERK_LSP_CACHE", b.TempDir())
	const n = 10000
	root := writeBenchApp(b, n)
	if _, err := RunCheck([]string{root}, Options{}); err != nil { // fill the cache
		b.Fatal(err)
	}
	b.Run(fmt.Sprintf("objects=%d", n), func(b *testing.B) { runBenchCheck(b, root, n) })
}
