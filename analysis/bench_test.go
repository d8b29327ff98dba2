package analysis

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The load benchmarks over generated apps. Cold runs disable the
// on-disk cache; the warm run primes it once and then measures loads that find
// every file unchanged (each file is still read and hashed to validate).

func BenchmarkLoadApp(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("objects=%d", n), func(b *testing.B) {
			root := generateApp(b, b.TempDir(), n)
			b.Setenv(CacheEnv, "off")
			benchLoad(b, root, n)
		})
	}
}

func BenchmarkLoadAppWarm(b *testing.B) {
	for _, n := range []int{10000} {
		b.Run(fmt.Sprintf("objects=%d", n), func(b *testing.B) {
			root := generateApp(b, b.TempDir(), n)
			b.Setenv(CacheEnv, b.TempDir())
			if _, err := LoadApp(root); err != nil { // prime the cache
				b.Fatal(err)
			}
			benchLoad(b, root, n)
		})
	}
}

// benchLoad times LoadApp of the app at root, which must yield n objects.
func benchLoad(b *testing.B, root string, n int) {
	b.ResetTimer()
	for b.Loop() {
		app, err := LoadApp(root)
		if err != nil {
			b.Fatal(err)
		}
		if got := len(app.Manifest.Entries); got != n {
			b.Fatalf("loaded %d objects, want %d", got, n)
		}
	}
}

// BenchmarkManifestWith measures the language server's per-edit manifest update:
// replacing one entry (same names) in a manifest of n objects.
func BenchmarkManifestWith(b *testing.B) {
	for _, n := range []int{10, 10000} {
		b.Run(fmt.Sprintf("objects=%d", n), func(b *testing.B) {
			entries := make([]*Entry, n)
			for i := range entries {
				entries[i] = NewEntry(fmt.Sprintf("/app/objects/%s.ts", benchObjectFile(i)), &Definition{})
			}
			m := BuildManifest(entries)
			edited := NewEntry(entries[n/2].Path, &Definition{})
			for b.Loop() {
				m = m.With(edited)
			}
		})
	}
}

// benchObjectFile is the file name (without extension) of the i-th generated
// object: a valid kebab-case name made of letters, e.g. "room-baab".
func benchObjectFile(i int) string {
	var s [4]byte
	for k := 3; k >= 0; k-- {
		s[k] = byte('a' + i%26)
		i /= 26
	}
	return "room-" + string(s[:])
}

// generateApp writes an app with n realistic object files (about 1.4 KB each, with
// state, init, five methods in every method form, fetch and alarm), two route
// files and a wrangler.toml binding and migrating every class. It returns root.
func generateApp(tb testing.TB, root string, n int) string {
	tb.Helper()
	objects := filepath.Join(root, "app", "objects")
	routes := filepath.Join(root, "app", "routes", "api")
	for _, d := range []string{objects, routes} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			tb.Fatal(err)
		}
	}
	var toml strings.Builder
	toml.WriteString("name = \"bench\"\nmain = \"worker.ts\"\ncompatibility_date = \"2025-06-01\"\n\n")
	classes := make([]string, n)
	for i := range n {
		file := benchObjectFile(i)
		obj := FileNameToObjectName(file)
		class, binding := ObjectNameToClassName(obj), ObjectNameToBindingName(obj)
		classes[i] = fmt.Sprintf("%q", class)
		src := fmt.Sprintf(appBenchObjectSource, class, i)
		if err := os.WriteFile(filepath.Join(objects, file+".ts"), []byte(src), 0o644); err != nil {
			tb.Fatal(err)
		}
		fmt.Fprintf(&toml, "[[durable_objects.bindings]]\nname = %q\nclass_name = %q\n\n", binding, class)
	}
	fmt.Fprintf(&toml, "[[migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [\n  %s,\n]\n", strings.Join(classes, ",\n  "))
	first := ObjectNameToClassName(FileNameToObjectName(benchObjectFile(0)))
	route := fmt.Sprintf(appBenchRouteSource, first)
	for _, f := range []string{filepath.Join(routes, "rooms.ts"), filepath.Join(root, "app", "routes", "index.ts")} {
		if err := os.WriteFile(f, []byte(route), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, "wrangler.toml"), []byte(toml.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	// A real workspace was not written in the last second; without this every
	// record would sit in the cache's racy window and be re-read.
	backdate(tb, root, time.Hour)
	return root
}

// backdate sets the mtime of every file below root to age ago.
func backdate(tb testing.TB, root string, age time.Duration) {
	tb.Helper()
	when := time.Now().Add(-age)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		return os.Chtimes(p, when, when)
	})
	if err != nil {
		tb.Fatal(err)
	}
}

const appBenchObjectSource = `import { defineDurableObject } from '@cloudwerk/durable-object'
import { z } from 'zod'

export interface %[1]sState {
  count: number
  label: string
  history: Array<{ at: number; delta: number }>
}

export default defineDurableObject<%[1]sState>({
  sqlite: true,
  schema: z.object({ count: z.number(), label: z.string(), history: z.array(z.any()) }),

  async init(ctx) {
    ctx.sql.exec('CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, delta INTEGER)')
    return { count: 0, label: 'object-%[2]d', history: [] }
  },

  methods: {
    async increment(by: number = 1): Promise<number> {
      this.state.count += by
      this.state.history.push({ at: Date.now(), delta: by })
      this.ctx.sql.exec('INSERT INTO events (delta) VALUES (?)', by)
      return this.state.count
    },
    async decrement(by = 1) {
      this.state.count -= by
      return this.state.count
    },
    get: async function (): Promise<%[1]sState> {
      return this.state
    },
    rename: async (label: string, opts?: { force: boolean }) => {
      if (!opts?.force && label.length === 0) throw new Error('empty label')
      this.state.label = label
    },
    async reset(...reasons: string[]): Promise<void> {
      this.state.count = 0
      this.state.history = []
    },
  },

  async fetch(request: Request) {
    const url = new URL(request.url)
    return Response.json({ count: this.state.count, path: url.pathname })
  },

  async alarm() {
    this.state.history = this.state.history.slice(-100)
  },
})
`

const appBenchRouteSource = `import { durableObjects } from '@cloudwerk/core/bindings'

export async function GET(request: Request) {
  const stub = durableObjects.%[1]s.get(durableObjects.%[1]s.idFromName('main'))
  const count = await stub.increment(1)
  return Response.json({ count })
}
`
