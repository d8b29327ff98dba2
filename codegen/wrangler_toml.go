// This file edits TOML wrangler files: bindings in `[[durable_objects.bindings]]`
// blocks, in `bindings = [...]` arrays (also inside `durable_objects = { ... }`),
// `[[migrations]]` blocks or a `migrations = [...]` array, and the `exports` table.

package codegen

import (
	"fmt"
	"strings"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/wrangler"
)

type tomlEditor struct {
	doc *wrangler.Doc
	nl  string
}

// tomlKey renders one key part, quoted when it is not a bare key.
func tomlKey(k string) string {
	if k == "" {
		return `""`
	}
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return quoteString(k)
		}
	}
	return k
}

func tomlDotted(parts []string) string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = tomlKey(p)
	}
	return strings.Join(out, ".")
}

func tomlBindingInline(o ManagedObject) string {
	return fmt.Sprintf("{ name = %s, class_name = %s }", quoteString(o.Binding), quoteString(o.Class))
}

func tomlStringArray(v []string) string {
	q := make([]string, len(v))
	for i, s := range v {
		q[i] = quoteString(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// migrationFields renders the keys of a migration as `key = value` pairs.
func tomlMigrationFields(m *PlannedMigration) []string {
	f := []string{"tag = " + quoteString(m.Tag)}
	if len(m.NewSqliteClasses) > 0 {
		f = append(f, "new_sqlite_classes = "+tomlStringArray(m.NewSqliteClasses))
	}
	if len(m.NewClasses) > 0 {
		f = append(f, "new_classes = "+tomlStringArray(m.NewClasses))
	}
	if len(m.RenamedClasses) > 0 {
		var rs []string
		for _, r := range m.RenamedClasses {
			rs = append(rs, fmt.Sprintf("{ from = %s, to = %s }", quoteString(r.From), quoteString(r.To)))
		}
		f = append(f, "renamed_classes = ["+strings.Join(rs, ", ")+"]")
	}
	if len(m.DeletedClasses) > 0 {
		f = append(f, "deleted_classes = "+tomlStringArray(m.DeletedClasses))
	}
	return f
}

// blockEnds returns, per element index part, the end of the last section inside
// element i of the array of tables at path (its sub-tables included), in one pass.
func (e *tomlEditor) blockEnds(path []string) map[string]int {
	ends := map[string]int{}
	for _, s := range e.doc.Sections {
		if len(s.Path) > len(path) && equalPath(s.Path[:len(path)], path) && s.End > ends[s.Path[len(path)]] {
			ends[s.Path[len(path)]] = s.End
		}
	}
	return ends
}

// sectionsEnd returns the end of the last section whose path starts with path.
func (e *tomlEditor) sectionsEnd(path []string) int {
	end := -1
	for _, s := range e.doc.Sections {
		if len(s.Path) >= len(path) && equalPath(s.Path[:len(path)], path) && s.End > end {
			end = s.End
		}
	}
	return end
}

func equalPath(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// count returns how many elements the array at path has.
func (e *tomlEditor) count(path []string) int {
	v, _ := e.doc.Value(path...)
	arr, _ := v.([]any)
	return len(arr)
}

// insertText prepares text inserted at off: a newline first when off is not at a line start.
func (e *tomlEditor) insertAt(off int, text string) splice {
	d := e.doc.Data
	if off > 0 && d[off-1] != '\n' {
		text = e.nl + text
	}
	return splice{start: off, end: off, text: text}
}

func (e *tomlEditor) bindings(be bindingEdit) ([]splice, error) {
	bp := wrangler.JoinPath(be.prefix, "durable_objects", "bindings")
	out, err := be.classNameSplices(e.doc, bp)
	if err != nil {
		return nil, err
	}
	n := e.count(bp)
	first, hasFirst := e.doc.Loc(wrangler.JoinPath(bp, wrangler.PathIndex(0))...)
	arrLoc, hasArr := e.doc.Loc(bp...)
	switch {
	case hasFirst && first.Block: // [[...durable_objects.bindings]] blocks
		render := func(o ManagedObject) string {
			return "[[" + tomlDotted(bp) + "]]" + e.nl + "name = " + quoteString(o.Binding) + e.nl + "class_name = " + quoteString(o.Class) + e.nl
		}
		add := be.add
		ins := -1
		ends := e.blockEnds(bp)
		for i := 0; i < n; i++ {
			l, _ := e.doc.Loc(wrangler.JoinPath(bp, wrangler.PathIndex(i))...)
			end := ends[wrangler.PathIndex(i)]
			if end > ins {
				ins = end
			}
			if !be.remove[i] {
				continue
			}
			if len(add) > 0 { // a dropped binding's block becomes a new one, in place
				out = append(out, splice{start: l.At.Start, end: end, text: render(add[0])})
				add = add[1:]
				continue
			}
			start := l.At.Start
			if s := blankLinesAbove(e.doc.Data, start); s < start && s > 0 {
				start = s
			} else {
				end = skipBlankLines(e.doc.Data, end)
			}
			out = append(out, splice{start: start, end: end, text: ""})
		}
		if len(add) > 0 {
			var b strings.Builder
			for _, o := range add {
				b.WriteString(e.nl + render(o))
			}
			out = append(out, late(e.insertAt(ins, b.String())))
		}
	case hasArr && !arrLoc.Block: // bindings = [ ... ]
		a := arrayEdit{data: e.doc.Data, value: arrLoc.Value, remove: be.remove, nl: e.nl}
		for i := 0; i < n; i++ {
			l, _ := e.doc.Loc(wrangler.JoinPath(bp, wrangler.PathIndex(i))...)
			a.elems = append(a.elems, l.At)
		}
		for _, o := range be.add {
			a.add = append(a.add, tomlBindingInline(o))
		}
		out = append(out, a.splices()...)
	case len(be.add) > 0:
		s, err := e.newBindings(be)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// newBindings adds a bindings array where durable_objects has none.
func (e *tomlEditor) newBindings(be bindingEdit) (splice, error) {
	dp := wrangler.JoinPath(be.prefix, "durable_objects")
	var elems []string
	for _, o := range be.add {
		elems = append(elems, tomlBindingInline(o))
	}
	if l, ok := e.doc.Loc(dp...); ok {
		if l.Block { // [durable_objects] section without bindings
			text := "bindings = [" + e.nl
			for _, el := range elems {
				text += "  " + el + "," + e.nl
			}
			return e.insertAt(e.sectionsEnd(dp), text+"]"+e.nl), nil
		}
		return e.inlineTableInsert(dp, l, "bindings = ["+strings.Join(elems, ", ")+"]")
	}
	if len(be.prefix) > 0 {
		// [env.X] without durable_objects: bindings blocks after the env's last section.
		l, ok := e.doc.Loc(be.prefix...)
		if !ok || !l.Block {
			return splice{}, fmt.Errorf("env %s is not a [env.%s] table; add its durable_objects bindings by hand", strings.Join(be.prefix[1:], "."), strings.Join(be.prefix[1:], "."))
		}
		var b strings.Builder
		for _, o := range be.add {
			b.WriteString(e.nl + "[[" + tomlDotted(wrangler.JoinPath(be.prefix, "durable_objects", "bindings")) + "]]" + e.nl)
			b.WriteString("name = " + quoteString(o.Binding) + e.nl)
			b.WriteString("class_name = " + quoteString(o.Class) + e.nl)
		}
		return late(e.insertAt(e.sectionsEnd(be.prefix), b.String())), nil
	}
	var b strings.Builder
	for _, o := range be.add {
		b.WriteString("[[durable_objects.bindings]]" + e.nl)
		b.WriteString("name = " + quoteString(o.Binding) + e.nl)
		b.WriteString("class_name = " + quoteString(o.Class) + e.nl + e.nl)
	}
	// Before the first [env.X] or [[migrations]] (and the comments right above
	// it), so top-level tables stay above the environments; else at the end.
	for _, s := range e.doc.Sections {
		if len(s.Path) >= 2 && (s.Path[0] == "env" || s.Path[0] == "migrations" && s.Array) {
			at := commentsAbove(e.doc.Data, s.Start)
			return splice{start: at, end: at, text: b.String(), late: true}, nil
		}
	}
	return late(e.insertAt(len(e.doc.Data), e.nl+strings.TrimSuffix(b.String(), e.nl))), nil
}

// inlineTableInsert adds `member` to the inline table at path.
func (e *tomlEditor) inlineTableInsert(path []string, l wrangler.Located, member string) (splice, error) {
	d := e.doc.Data
	if l.Value.Start >= len(d) || d[l.Value.Start] != '{' {
		return splice{}, fmt.Errorf("%s is not a table", strings.Join(path, "."))
	}
	last := e.doc.EndUnder(path...)
	if last < 0 {
		return splice{start: l.Value.Start, end: l.Value.End, text: "{ " + member + " }"}, nil
	}
	return splice{start: last, end: last, text: ", " + member}, nil
}

// migration appends m to the ledger at prefix+migrations (prefix nil: the top level).
func (e *tomlEditor) migration(prefix []string, m *PlannedMigration) ([]splice, error) {
	mp := wrangler.JoinPath(prefix, "migrations")
	n := e.count(mp)
	first, hasFirst := e.doc.Loc(wrangler.JoinPath(mp, wrangler.PathIndex(0))...)
	arr, hasArr := e.doc.Loc(mp...)
	fields := tomlMigrationFields(m)
	block := "[[" + tomlDotted(mp) + "]]" + e.nl + strings.Join(fields, e.nl) + e.nl
	switch {
	case hasFirst && first.Block:
		return []splice{late(e.insertAt(e.sectionsEnd(wrangler.JoinPath(mp, wrangler.PathIndex(n-1))), e.nl+block))}, nil
	case hasArr && !arr.Block:
		a := arrayEdit{data: e.doc.Data, value: arr.Value, nl: e.nl, add: []string{"{ " + strings.Join(fields, ", ") + " }"}}
		for i := 0; i < n; i++ {
			l, _ := e.doc.Loc(wrangler.JoinPath(mp, wrangler.PathIndex(i))...)
			a.elems = append(a.elems, l.At)
		}
		return a.splices(), nil
	case hasArr:
		return nil, fmt.Errorf("%s is not an array", strings.Join(mp, "."))
	case len(prefix) > 0:
		return nil, fmt.Errorf("%s has no migrations array", strings.Join(prefix, "."))
	}
	return []splice{late(e.insertAt(len(e.doc.Data), e.nl+block))}, nil
}

func (e *tomlEditor) exports(objs []ManagedObject) ([]splice, error) {
	l, ok := e.doc.Loc("exports")
	if !ok {
		return nil, fmt.Errorf("no exports table")
	}
	var members []string
	for _, o := range objs {
		members = append(members, fmt.Sprintf("%s = { type = \"durable_object\", storage = %s }", tomlKey(o.Class), quoteString(storageKey(o.SQLite))))
	}
	if l.Block {
		return []splice{e.insertAt(e.sectionsEnd([]string{"exports"}), strings.Join(members, e.nl)+e.nl)}, nil
	}
	s, err := e.inlineTableInsert([]string{"exports"}, l, strings.Join(members, ", "))
	return []splice{s}, err
}

func storageKey(sqlite bool) string {
	if sqlite {
		return "sqlite"
	}
	return "kv"
}

// skipBlankLines moves off over lines that hold only whitespace.
func skipBlankLines(data []byte, off int) int {
	for off < len(data) {
		e := off
		for e < len(data) && (data[e] == ' ' || data[e] == '\t' || data[e] == '\r') {
			e++
		}
		if e < len(data) && data[e] == '\n' {
			off = e + 1
			continue
		}
		break
	}
	return off
}

// commentsAbove returns the start of the run of comment lines right above the line at off.
func commentsAbove(data []byte, off int) int {
	for off > 0 {
		prevEnd := off - 1 // the '\n' ending the previous line
		s := prevEnd
		for s > 0 && data[s-1] != '\n' {
			s--
		}
		line := strings.TrimLeft(string(data[s:prevEnd]), " \t")
		if !strings.HasPrefix(line, "#") {
			break
		}
		off = s
	}
	return off
}

// blankLinesAbove returns the start of the run of blank lines right above the line at off.
func blankLinesAbove(data []byte, off int) int {
	for off > 0 {
		prevEnd := off - 1
		s := prevEnd
		for s > 0 && data[s-1] != '\n' {
			s--
		}
		if strings.TrimSpace(string(data[s:prevEnd])) != "" {
			break
		}
		off = s
	}
	return off
}

func late(s splice) splice {
	s.late = true
	return s
}
