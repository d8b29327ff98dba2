package analysis

import (
	"bytes"
	"testing"

	sitter "github.com/tree-sitter/go-tree-sitter"
)

// benchObjectSource is a typical object file of about 1.4 KB.
const benchObjectSource = `// app/objects/chat-room.ts
import { defineDurableObject } from '@cloudwerk/durable-object'
import { z } from 'zod'

export interface Message { user: string; text: string; at: number }

interface ChatState {
  messages: Message[]
  members: string[]
}

export default defineDurableObject<ChatState>({
  sqlite: true,
  schema: z.object({ messages: z.array(z.any()), members: z.array(z.string()) }),

  init(ctx) {
    ctx.sql.exec('CREATE TABLE IF NOT EXISTS log (id INTEGER PRIMARY KEY, body TEXT)')
    return { messages: [], members: [] }
  },

  methods: {
    async post(user: string, text: string): Promise<Message> {
      const message = { user, text, at: Date.now() }
      this.state.messages.push(message)
      this.ctx.sql.exec('INSERT INTO log (body) VALUES (?)', JSON.stringify(message))
      return message
    },

    async history(limit = 50): Promise<Message[]> {
      return this.state.messages.slice(-limit)
    },

    join: async (name: string) => {
      return name
    },

    async members(): Promise<string[]> {
      return this.state.members
    },
  },

  async fetch(request) {
    const url = new URL(request.url)
    if (url.pathname === '/health') return new Response('ok')
    return new Response('not found', { status: 404 })
  },

  async webSocketMessage(ws, message) {
    ws.send(typeof message === 'string' ? message : 'binary')
  },

  async alarm() {
    this.state.messages = this.state.messages.slice(-100)
  },
})
`

func BenchmarkExtract(b *testing.B) {
	src := []byte(benchObjectSource)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		if def := ExtractDefinition("app/objects/chat-room.ts", src); len(def.Methods) != 4 {
			b.Fatalf("methods = %d", len(def.Methods))
		}
	}
}

// BenchmarkFillDefinition is the extraction alone, on a tree parsed once
// (BenchmarkExtract minus BenchmarkParse, without their noise).
func BenchmarkFillDefinition(b *testing.B) {
	src := []byte(benchObjectSource)
	g := grammarFor(LangTS)
	tree := g.parse(src, nil)
	defer tree.Close()
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		def := &Definition{Fields: map[string]*Field{}}
		fillDefinition(def, g, src, tree)
		if len(def.Methods) != 4 {
			b.Fatalf("methods = %d", len(def.Methods))
		}
	}
}

// BenchmarkParse is the bare tree-sitter parse of the same file, with the C
// allocator this package installs and with go-tree-sitter's default callbacks
// into Go, to compare with the reference 195 µs / 250 µs.
func BenchmarkParse(b *testing.B) {
	src := []byte(benchObjectSource)
	g := grammarFor(LangTS)
	run := func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		defer reportCPU(b)()
		for b.Loop() {
			g.parse(src, nil).Close()
		}
	}
	b.Run("c-malloc", run)
	b.Run("go-callbacks", func(b *testing.B) {
		// Both allocators end in malloc/free, so switching with trees alive is safe.
		sitter.SetAllocator(nil, nil, nil, nil)
		defer useCMalloc()
		run(b)
	})
}

// BenchmarkReparseOneChar types one character into a method body and re-parses
// incrementally (reference: 30–36 µs), alternating insert and delete so the text
// stays the same size.
func BenchmarkReparseOneChar(b *testing.B) {
	benchOneCharEdits(b, func(doc *Document) {
		if doc.upToDateTree() == nil {
			b.Fatal("parse failed")
		}
	})
}

// BenchmarkReparseOneCharExtract is the same edit followed by the full
// extraction the language server runs after each keystroke.
func BenchmarkReparseOneCharExtract(b *testing.B) {
	benchOneCharEdits(b, func(doc *Document) {
		if len(doc.Definition().Methods) != 4 {
			b.Fatal("methods lost")
		}
	})
}

// benchOneCharEdits alternately inserts and deletes one character in a method
// body of the bench object, calling after (the measured work) after each edit.
func benchOneCharEdits(b *testing.B, after func(*Document)) {
	src := []byte(benchObjectSource)
	at := bytes.Index(src, []byte("return message")) + len("return ")
	doc := NewDocument("app/objects/chat-room.ts", src)
	defer doc.Close()
	after(doc)
	for i := 0; b.Loop(); i++ {
		var err error
		if i%2 == 0 {
			err = doc.Edit(at, at, "x")
		} else {
			err = doc.Edit(at, at+1, "")
		}
		if err != nil {
			b.Fatal(err)
		}
		after(doc)
	}
}
