package analysis

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/textpos"
)

// incrementalSources are object files the incremental tests edit: methods with
// context and parameter uses, aliases, handlers before and after `methods`, a
// method without uses, CRLF line ends and non-ASCII text.
var incrementalSources = map[string]string{
	"plain.ts": `import { defineDurableObject } from '@cloudwerk/durable-object'

interface State { total: number; names: string[] }

export default defineDurableObject<State>({
  sqlite: true,
  init(ctx) {
    ctx.sql.exec('CREATE TABLE t (x INTEGER)')
    return { total: 0, names: [] }
  },
  methods: {
    async add(by: number, name?: string): Promise<number> {
      this.state.total += by
      if (name) this.state.names.push(name)
      return this.state.total
    },
    empty() {
      return 1
    },
    async query(req: { id: string }, limit = 5) {
      const sql = this.ctx.storage.sql
      const rows = sql.exec('SELECT * FROM t WHERE id = ?', req.id).toArray()
      return rows.slice(0, limit).map((r) => r.x + req.id.length)
    },
    reset: async function () {
      this.ctx.sql.exec('DELETE FROM t', [1, 2])
      this.state = { total: 0, names: [] }
    },
    arrow: async (x: string) => x.toUpperCase(),
  },
  async alarm() {
    this.state.names = []
  },
})
`,
	"handlers.ts": `import { defineDurableObject } from '@cloudwerk/durable-object'

export default defineDurableObject({
  async fetch(request: Request) {
    return new Response('ok')
  },
  alarm: async () => {
    await this.ctx.storage.deleteAll()
  },
  methods: {
    ping() {
      return 'pong'
    },
  },
  webSocketMessage(ws, message) {
    ws.send(String(message) + this.state.n)
  },
  alarm() {
    this.state.n = 0
  },
})
`,
	"crlf-unicode.ts": strings.ReplaceAll(`import { defineDurableObject } from '@cloudwerk/durable-object'

export default defineDurableObject({
  methods: {
    grüße(name: string) {
      // ünïcödé 😀 in a comment
      return 'hallo ' + name + this.state.x
    },
    second() {
      return this.ctx.id.toString()
    },
  },
})
`, "\n", "\r\n"),
}

// TestIncrementalDefinitionMatchesFull edits method bodies at random (typing,
// deleting, new lines, non-ASCII text, text that breaks the parse or moves a
// brace) and checks after every edit that the document's definition is exactly
// what a full extraction of the same text gives; and that the incremental path
// was taken for most of them.
func TestIncrementalDefinitionMatchesFull(t *testing.T) {
	inserts := []string{"x", "0", " ", "\n", "\n      const y = this.ctx.sql.exec('q')\n", "ü", "😀", "this.state.", "ctx.", "}", "{", "'", "//", "req.id.", "(", "\r"}
	for name, src := range incrementalSources {
		t.Run(name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(len(src))))
			path := "/app/objects/" + name
			doc := NewDocument(path, []byte(src))
			defer doc.Close()
			doc.Definition()
			const edits = 300
			for i := range edits {
				text := doc.Text()
				def := ExtractDefinition(path, text)
				// Edit inside a method body most of the time, anywhere sometimes.
				start := rng.IntN(len(text) + 1)
				var units []textpos.Range
				for _, m := range def.Methods {
					units = append(units, m.At)
				}
				for _, f := range def.Fields {
					units = append(units, f.At)
				}
				slices.SortFunc(units, func(a, b textpos.Range) int { return int(a.Start.Offset - b.Start.Offset) })
				if len(units) > 0 && rng.IntN(5) > 0 {
					u := units[rng.IntN(len(units))]
					start = int(u.Start.Offset) + 1 + rng.IntN(max(1, int(u.End.Offset-u.Start.Offset)-1))
				}
				for start > 0 && start < len(text) && text[start]&0xC0 == 0x80 {
					start-- // not inside a UTF-8 sequence
				}
				end := start
				if rng.IntN(3) == 0 {
					end = min(len(text), start+rng.IntN(4))
					for end < len(text) && text[end]&0xC0 == 0x80 {
						end++
					}
				}
				ins := ""
				if end == start || rng.IntN(2) == 0 {
					ins = inserts[rng.IntN(len(inserts))]
				}
				removed := string(text[start:end])
				check := func(start, end int, ins string) {
					t.Helper()
					if err := doc.Edit(start, end, ins); err != nil {
						t.Fatal(err)
					}
					got := doc.Definition()
					want := ExtractDefinition(path, doc.Text())
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("edit %d [%d,%d) %q: incremental definition differs from the full one\n%s\ntext:\n%s", i, start, end, ins, diffDefs(got, want), doc.Text())
					}
				}
				check(start, end, ins)
				// Undo it (checked too) unless the text still parses, so a
				// broken text does not stay broken.
				if len(ExtractDefinition(path, doc.Text()).ParseErrors) > 0 || rng.IntN(3) > 0 {
					check(start, start+len(ins), removed)
				}
			}
			if doc.incremental < edits/10 {
				t.Errorf("only %d of %d edits took the incremental path", doc.incremental, edits)
			}
			t.Logf("%d of %d edits incremental", doc.incremental, edits)
		})
	}
}

// TestIncrementalEditsInBodiesStayIncremental: typing and deleting inside each
// method and handler body (text that keeps the file valid) never takes the full
// extraction.
func TestIncrementalEditsInBodiesStayIncremental(t *testing.T) {
	src := incrementalSources["plain.ts"]
	doc := NewDocument("/app/objects/plain.ts", []byte(src))
	defer doc.Close()
	calls := 0
	def := doc.Definition()
	units := []Range{def.Fields["init"].At, def.Fields["alarm"].At}
	for _, m := range def.Methods {
		units = append(units, m.At)
	}
	for _, at := range units {
		body := int(at.Start.Offset) + strings.Index(src[at.Start.Offset:], "{\n") + 2
		if strings.HasPrefix(src[at.Start.Offset:], "arrow") {
			body = int(at.Start.Offset) + strings.Index(src[at.Start.Offset:], "x.") // an expression body
		}
		for _, e := range []struct {
			start, end int
			text       string
		}{{body, body, " "}, {body, body, "\n// note 😀\n"}, {body, body + len("\n// note 😀\n"), ""}, {body, body + 1, ""}} {
			if err := doc.Edit(e.start, e.end, e.text); err != nil {
				t.Fatal(err)
			}
			calls++
			if got, want := doc.Definition(), ExtractDefinition(doc.Path(), doc.Text()); !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: %+v: %s", src[at.Start.Offset:at.Start.Offset+10], e, diffDefs(got, want))
			}
		}
	}
	if doc.incremental != calls {
		t.Errorf("%d of %d edits incremental, want all", doc.incremental, calls)
	}
}

func TestPosOf(t *testing.T) {
	for _, text := range []string{"ab\ncd😀e\n\nfg", "a\r\nb\rc\n😀d", ""} {
		idx := textpos.NewLineIndex(text)
		for off := 0; off <= len(text); off++ {
			if got, want := textpos.PosAt([]byte(text), off), idx.Pos(off); got != want {
				t.Errorf("%q at %d: %+v, want %+v", text, off, got, want)
			}
		}
	}
}

// diffDefs names the first top-level field that differs.
func diffDefs(a, b *Definition) string {
	va, vb := reflect.ValueOf(*a), reflect.ValueOf(*b)
	for i := range va.NumField() {
		if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			return fmt.Sprintf("%s:\n got %+v\nwant %+v", va.Type().Field(i).Name, va.Field(i).Interface(), vb.Field(i).Interface())
		}
	}
	return "(no field differs)"
}

// TestShiftCoversEveryPosition fills every position of a definition (found by
// reflection, so a field added to the model is included) and checks shift
// moves each one: a position field missing from shift.definition fails here.
func TestShiftCoversEveryPosition(t *testing.T) {
	def := &Definition{}
	fillPositions(reflect.ValueOf(def).Elem(), textpos.Pos{Offset: 100, Line: 5, Col16: 7})
	sh := shift{from: 50, delta: 3, oldEnd: textpos.Pos{Offset: 50, Line: 2}, newEnd: textpos.Pos{Offset: 53, Line: 3}}
	got := sh.definition(def)
	n := 0
	var check func(v reflect.Value, path string)
	check = func(v reflect.Value, path string) {
		switch {
		case v.Type() == reflect.TypeFor[textpos.Pos]():
			n++
			if p := v.Interface().(textpos.Pos); p != (textpos.Pos{Offset: 103, Line: 6, Col16: 7}) {
				t.Errorf("%s = %+v: not shifted (add the field to shift.definition)", path, p)
			}
		case v.Kind() == reflect.Struct:
			for i := range v.NumField() {
				check(v.Field(i), path+"."+v.Type().Field(i).Name)
			}
		case v.Kind() == reflect.Slice:
			for i := range v.Len() {
				check(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
			}
		case v.Kind() == reflect.Map:
			for _, k := range v.MapKeys() {
				check(v.MapIndex(k), fmt.Sprintf("%s[%v]", path, k))
			}
		case v.Kind() == reflect.Pointer && !v.IsNil():
			check(v.Elem(), path)
		}
	}
	check(reflect.ValueOf(got).Elem(), "Definition")
	if n < 20 {
		t.Errorf("only %d positions checked", n)
	}
	// The copy shares nothing mutable with the original.
	got.Methods[0].Params[0].Name = "changed"
	got.Fields["k"].Key = "changed"
	if def.Methods[0].Params[0].Name == "changed" || def.Fields["k"].Key == "changed" {
		t.Error("the shifted copy shares memory with the original")
	}
}

// fillPositions sets every Pos reachable from v to p, giving every slice one
// element and every map one entry.
func fillPositions(v reflect.Value, p textpos.Pos) {
	switch {
	case v.Type() == reflect.TypeFor[textpos.Pos]():
		v.Set(reflect.ValueOf(p))
	case v.Kind() == reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillPositions(v.Field(i), p)
			}
		}
	case v.Kind() == reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fillPositions(v.Index(0), p)
	case v.Kind() == reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		e := reflect.New(v.Type().Elem()).Elem()
		fillPositions(e, p)
		k := reflect.New(v.Type().Key()).Elem()
		if k.Kind() == reflect.String {
			k.SetString("k")
		}
		v.SetMapIndex(k, e)
	case v.Kind() == reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fillPositions(v.Elem(), p)
	}
}

// TestIncrementalRepeatedKeyAfterFullExtraction: a run of edits inside a
// handler remembers that its key is not repeated; a second property with that
// key, added by an edit outside the handler, must end the run (the next edit
// inside the handler takes the full extraction, whose uses name both).
func TestIncrementalRepeatedKeyAfterFullExtraction(t *testing.T) {
	src := incrementalSources["plain.ts"]
	doc := NewDocument("/app/objects/plain.ts", []byte(src))
	defer doc.Close()
	doc.Definition()
	check := func(what string, start, end int, text string, wantIncremental bool) {
		t.Helper()
		before := doc.incremental
		if err := doc.Edit(start, end, text); err != nil {
			t.Fatal(err)
		}
		if got, want := doc.Definition(), ExtractDefinition(doc.Path(), doc.Text()); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: %s", what, diffDefs(got, want))
		}
		if inc := doc.incremental > before; inc != wantIncremental {
			t.Fatalf("%s: incremental = %v, want %v", what, inc, wantIncremental)
		}
	}
	body := func() int { return strings.Index(string(doc.Text()), "this.state.names = []") }
	check("type in alarm", body(), body(), "this.state.total = 1\n    ", true)
	check("type in alarm again", body(), body(), "this.state.total = 2\n    ", true)
	config := strings.Index(string(doc.Text()), "<State>({") + len("<State>({")
	check("add a second alarm", config, config, "\n  alarm() { this.ctx.sql.exec('x') },", false)
	check("type in the first alarm", body(), body(), "this.state.total = 3\n    ", false)
}
