// This file edits JSON/JSONC wrangler files by splicing byte ranges found with
// hujson: comments, key order and trailing commas outside the edited arrays stay.

package codegen

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/textpos"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/wrangler"
)

type jsonEditor struct {
	doc *wrangler.Doc
	nl  string
	// after records the members after which a member was already inserted
	// below a trailing comment (by the end offset of the member).
	after map[int]bool
}

func jsonBinding(o ManagedObject) string {
	return fmt.Sprintf(`{ "name": %s, "class_name": %s }`, quoteString(o.Binding), quoteString(o.Class))
}

func jsonStringArray(v []string) string {
	q := make([]string, len(v))
	for i, s := range v {
		q[i] = quoteString(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func jsonMigration(m *PlannedMigration) string {
	f := []string{`"tag": ` + quoteString(m.Tag)}
	if len(m.NewSqliteClasses) > 0 {
		f = append(f, `"new_sqlite_classes": `+jsonStringArray(m.NewSqliteClasses))
	}
	if len(m.NewClasses) > 0 {
		f = append(f, `"new_classes": `+jsonStringArray(m.NewClasses))
	}
	if len(m.RenamedClasses) > 0 {
		var rs []string
		for _, r := range m.RenamedClasses {
			rs = append(rs, fmt.Sprintf(`{ "from": %s, "to": %s }`, quoteString(r.From), quoteString(r.To)))
		}
		f = append(f, `"renamed_classes": [`+strings.Join(rs, ", ")+"]")
	}
	if len(m.DeletedClasses) > 0 {
		f = append(f, `"deleted_classes": `+jsonStringArray(m.DeletedClasses))
	}
	return "{ " + strings.Join(f, ", ") + " }"
}

func (e *jsonEditor) count(path []string) int {
	v, _ := e.doc.Value(path...)
	arr, _ := v.([]any)
	return len(arr)
}

// array returns an arrayEdit over the array at path.
func (e *jsonEditor) array(path []string) (arrayEdit, bool) {
	l, ok := e.doc.Loc(path...)
	if !ok || l.Value.Start >= len(e.doc.Data) || e.doc.Data[l.Value.Start] != '[' {
		return arrayEdit{}, false
	}
	a := arrayEdit{data: e.doc.Data, value: l.Value, nl: e.nl}
	for i := 0; i < e.count(path); i++ {
		el, _ := e.doc.Loc(wrangler.JoinPath(path, wrangler.PathIndex(i))...)
		a.elems = append(a.elems, el.At)
	}
	return a, true
}

// insertMember adds `"key": value` (rendered by render with the member's indent) to the object at path.
func (e *jsonEditor) insertMember(path []string, render func(indent string) string) ([]splice, error) {
	l, ok := e.doc.Loc(path...)
	d := e.doc.Data
	if !ok || l.Value.Start >= len(d) || d[l.Value.Start] != '{' {
		return nil, fmt.Errorf("%q is not an object", strings.Join(path, "."))
	}
	multiline := strings.Contains(string(d[l.Value.Start:l.Value.End]), "\n")
	last := textpos.Span{Start: -1, End: -1}
	for _, k := range e.doc.Keys(path...) {
		if kl, ok := e.doc.Loc(wrangler.JoinPath(path, k)...); ok && kl.At.End > last.End {
			last = kl.At
		}
	}
	if last.End >= 0 {
		if multiline {
			indent := lineIndent(d, last.Start)
			if eol, comma, ok := trailingComment(d, last.End); ok {
				// A comment after the last member stays on its line: the comma goes
				// before the comment, the new member on the next line.
				var out []splice
				text := e.nl + indent + render(indent)
				switch {
				case e.after[last.End]:
					text = "," + text // after a member inserted here before
				case !comma:
					out = append(out, splice{start: last.End, end: last.End, text: ","})
				}
				if e.after == nil {
					e.after = map[int]bool{}
				}
				e.after[last.End] = true
				return append(out, splice{start: eol, end: eol, text: text}), nil
			}
			return []splice{{start: last.End, end: last.End, text: "," + e.nl + indent + render(indent)}}, nil
		}
		return []splice{{start: last.End, end: last.End, text: ", " + render("")}}, nil
	}
	inner := textpos.Span{Start: l.Value.Start + 1, End: l.Value.End - 1}
	if multiline || len(path) == 0 {
		closeIndent := lineIndent(d, l.Value.End-1)
		indent := closeIndent + "  "
		return []splice{{start: inner.Start, end: inner.End, text: e.nl + indent + render(indent) + e.nl + closeIndent}}, nil
	}
	return []splice{{start: inner.Start, end: inner.End, text: " " + render("") + " "}}, nil
}

// trailingComment reports whether the rest of the line after offset i is an
// optional comma and a comment (// or /* */), and where the line ends.
func trailingComment(d []byte, i int) (eol int, comma, ok bool) {
	blank := func(j int) int {
		for j < len(d) && (d[j] == ' ' || d[j] == '\t') {
			j++
		}
		return j
	}
	j := blank(i)
	if j < len(d) && d[j] == ',' {
		comma = true
		j = blank(j + 1)
	}
	switch {
	case bytes.HasPrefix(d[j:], []byte("//")):
		k := bytes.IndexByte(d[j:], '\n')
		if k < 0 { // no newline: the comment ends the file
			return len(d), comma, true
		}
		j += k
	case bytes.HasPrefix(d[j:], []byte("/*")):
		k := bytes.Index(d[j:], []byte("*/"))
		if k < 0 {
			return 0, false, false
		}
		j = blank(j + k + 2)
		if j < len(d) && d[j] != '\n' && d[j] != '\r' {
			return 0, false, false // more code follows on the line
		}
	default:
		return 0, false, false
	}
	if j > 0 && j < len(d) && d[j] == '\n' && d[j-1] == '\r' {
		j--
	}
	return j, comma, true
}

// bindingsArrayText renders a new bindings array at the given indent.
func (e *jsonEditor) bindingsArrayText(objs []ManagedObject, indent string) string {
	if indent == "" {
		var el []string
		for _, o := range objs {
			el = append(el, jsonBinding(o))
		}
		return "[" + strings.Join(el, ", ") + "]"
	}
	var b strings.Builder
	b.WriteString("[")
	for i, o := range objs {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(e.nl + indent + "  " + jsonBinding(o))
	}
	b.WriteString(e.nl + indent + "]")
	return b.String()
}

func (e *jsonEditor) bindings(be bindingEdit) ([]splice, error) {
	bp := wrangler.JoinPath(be.prefix, "durable_objects", "bindings")
	out, err := be.classNameSplices(e.doc, bp)
	if err != nil {
		return nil, err
	}
	if a, ok := e.array(bp); ok {
		a.remove = be.remove
		for _, o := range be.add {
			a.add = append(a.add, jsonBinding(o))
		}
		return append(out, a.splices()...), nil
	}
	if _, exists := e.doc.Loc(bp...); exists {
		return nil, fmt.Errorf("%q is not an array", strings.Join(bp, "."))
	}
	if len(be.add) == 0 {
		return out, nil
	}
	dp := wrangler.JoinPath(be.prefix, "durable_objects")
	if _, ok := e.doc.Loc(dp...); ok {
		s, err := e.insertMember(dp, func(indent string) string { return `"bindings": ` + e.bindingsArrayText(be.add, indent) })
		return append(out, s...), err
	}
	// The top level, or an env without durable_objects: add the member to that object.
	s, err := e.insertMember(be.prefix, func(indent string) string {
		if indent == "" {
			return `"durable_objects": { "bindings": ` + e.bindingsArrayText(be.add, "") + " }"
		}
		inner := indent + "  "
		return `"durable_objects": {` + e.nl + inner + `"bindings": ` + e.bindingsArrayText(be.add, inner) + e.nl + indent + "}"
	})
	return append(out, s...), err
}

// migration appends m to the ledger at prefix+migrations (prefix nil: the top level).
func (e *jsonEditor) migration(prefix []string, m *PlannedMigration) ([]splice, error) {
	mp := wrangler.JoinPath(prefix, "migrations")
	if a, ok := e.array(mp); ok {
		a.add = []string{jsonMigration(m)}
		return a.splices(), nil
	}
	if _, exists := e.doc.Loc(mp...); exists || len(prefix) > 0 {
		return nil, fmt.Errorf("%q is not an array", strings.Join(mp, "."))
	}
	s, err := e.insertMember(nil, func(indent string) string {
		if indent == "" {
			return `"migrations": [` + jsonMigration(m) + "]"
		}
		return `"migrations": [` + e.nl + indent + "  " + jsonMigration(m) + e.nl + indent + "]"
	})
	return s, err
}

func (e *jsonEditor) exports(objs []ManagedObject) ([]splice, error) {
	var members []string
	for _, o := range objs {
		members = append(members, fmt.Sprintf(`%s: { "type": "durable_object", "storage": %s }`, quoteString(o.Class), quoteString(storageKey(o.SQLite))))
	}
	s, err := e.insertMember([]string{"exports"}, func(indent string) string {
		if indent == "" {
			return strings.Join(members, ", ")
		}
		return strings.Join(members, ","+e.nl+indent)
	})
	return s, err
}
