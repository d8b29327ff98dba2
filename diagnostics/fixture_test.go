// This file defines hand-built definitions for rule tests: ranges are found by
// searching the source text, so every test can assert the text a range covers.

package diagnostics

import (
	"strings"
	"testing"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/textpos"
)

// srcDoc is one file's text with helpers that turn substrings into ranges.
type srcDoc struct {
	t    testing.TB
	text string
}

func (s srcDoc) pos(off int) analysis.Pos { return textpos.NewLineIndex(s.text).Pos(off) }

func (s srcDoc) span(start, end int) analysis.Range {
	return analysis.Range{Start: s.pos(start), End: s.pos(end)}
}

// at is the range of the first sub at or after offset from.
func (s srcDoc) at(sub string, from32 int32) analysis.Range {
	from := int(from32)
	s.t.Helper()
	i := strings.Index(s.text[from:], sub)
	if i < 0 {
		s.t.Fatalf("fixture: %q not in source", sub)
	}
	return s.span(from+i, from+i+len(sub))
}

func (s srcDoc) textOf(r analysis.Range) string { return s.text[r.Start.Offset:r.End.Offset] }

// objFile builds the Definition of a defineDurableObject file by hand. Fields
// and methods are added with field and method.
type objFile struct {
	srcDoc
	def *analysis.Definition
}

func newObj(t testing.TB, path, text string) *objFile {
	s := srcDoc{t, text}
	d := &analysis.Definition{Path: path, Fields: map[string]*analysis.Field{}}
	if i := strings.Index(text, "export default"); i >= 0 {
		d.ExportAt = s.span(i, len(strings.TrimRight(text, "\n")))
		if j := strings.Index(text[i:], "defineDurableObject"); j >= 0 {
			d.Export = analysis.ExportDefine
			d.Callee = "defineDurableObject"
			d.CallAt = s.span(i+j, len(strings.TrimRight(text, "\n")))
			if k := strings.Index(text, "({"); k >= 0 {
				d.ConfigIsLiteral = true
				d.ConfigAt = s.span(k+1, strings.LastIndex(text, "})")+1)
			}
		} else {
			d.Export = analysis.ExportOther
		}
	}
	return &objFile{srcDoc: s, def: d}
}

// field records key with the value text that follows it.
func (o *objFile) field(key, value string, kind analysis.ValueKind) *analysis.Field {
	key_ := o.at(key, o.def.ConfigAt.Start.Offset)
	val := o.at(value, key_.Start.Offset) // method-form values start at the key
	f := &analysis.Field{Key: key, KeyAt: key_, Value: val, At: analysis.Range{Start: key_.Start, End: val.End}, Kind: kind}
	if kind == analysis.KindString {
		f.Str = strings.Trim(value, `'"`)
	}
	if kind == analysis.KindBool {
		f.Bool = value == "true"
	}
	o.def.Fields[key] = f
	return f
}

// objectField records key whose value is the brace-balanced object after it.
func (o *objFile) objectField(key string) *analysis.Field {
	k := o.at(key+":", o.def.ConfigAt.Start.Offset)
	open := int(k.End.Offset) + strings.Index(o.text[k.End.Offset:], "{")
	depth, end := 0, open
	for i := open; i < len(o.text); i++ {
		if o.text[i] == '{' {
			depth++
		} else if o.text[i] == '}' {
			depth--
			if depth == 0 {
				end = i + 1
				break
			}
		}
	}
	return o.field(key, o.text[open:end], analysis.KindObject)
}

// method records an entry of methods; whole is the property's text.
func (o *objFile) method(name, whole string, kind analysis.ValueKind, form analysis.MethodForm) {
	from := o.def.ConfigAt.Start.Offset
	if f := o.def.Fields["methods"]; f != nil {
		from = f.Value.Start.Offset
	}
	at := o.at(whole, from)
	o.def.Methods = append(o.def.Methods, analysis.Method{
		Name: name, NameAt: o.at(name, at.Start.Offset), At: at, Kind: kind, Form: form,
	})
}

// use records a context access: member (its first occurrence at or after the
// config) on receiver recv inside function in.
func (o *objFile) use(in string, recv analysis.Receiver, member string) {
	o.def.ContextUses = append(o.def.ContextUses, analysis.ContextUse{In: in, Recv: recv, Member: member,
		At: o.at(member, o.def.ConfigAt.Start.Offset), Args: -1})
}

func (o *objFile) unknown(text, reason string) {
	o.def.Unknowns = append(o.def.Unknowns, analysis.Unknown{At: o.at(text, 0), Reason: reason})
}

// entry derives the convention's names the way the loader does.
func (o *objFile) entry() *analysis.Entry { return analysis.NewEntry(o.def.Path, o.def) }

// manifestOf indexes entries like the loader does.
func manifestOf(entries ...*analysis.Entry) *analysis.Manifest {
	return analysis.BuildManifest(entries)
}

// counterFile is a correct object: every rule is silent on it.
func counterFile(t testing.TB, path string) *objFile {
	o := newObj(t, path, `import { defineDurableObject } from '@cloudwerk/durable-object'

export default defineDurableObject<{ value: number }>({
  sqlite: true,
  init(ctx) { ctx.sql.exec('CREATE TABLE IF NOT EXISTS t (x)'); return { value: 0 } },
  methods: {
    async increment(by = 1) { this.state.value += by; return this.state.value },
    getValue: () => 0,
  },
})
`)
	o.field("sqlite", "true", analysis.KindBool)
	o.field("init", "init(ctx) {", analysis.KindFunction)
	o.objectField("methods")
	o.method("increment", "async increment(by = 1) { this.state.value += by; return this.state.value }", analysis.KindFunction, analysis.FormMethod)
	o.method("getValue", "getValue: () => 0", analysis.KindFunction, analysis.FormArrow)
	return o
}
