// This file locates the tables, keys and array elements of a TOML wrangler file.
// go-toml's unstable parser gives key and key/value byte ranges; array elements and
// inline-table ends are found with a small scanner over the (already valid) input.

package wrangler

import (
	"errors"

	toml "github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/textpos"
)

func (d *Doc) parseTOML() (ok bool, errOff int, msg string) {
	data := d.Data
	var p unstable.Parser
	p.Reset(data)

	var cur []string               // resolved path of the current table
	arrayCount := map[string]int{} // resolved array-table path -> elements seen
	var sec *TOMLSection           // the current section, nil at top level
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			keys, first, last := keyOf(e)
			resolved := make([]string, 0, len(keys)+2)
			for i, k := range keys {
				resolved = append(resolved, k)
				if i == len(keys)-1 && e.Kind == unstable.ArrayTable {
					n := arrayCount[pathKey(resolved)]
					arrayCount[pathKey(resolved)] = n + 1
					resolved = append(resolved, PathIndex(n))
				} else if n, isArr := arrayCount[pathKey(resolved)]; isArr && n > 0 {
					resolved = append(resolved, PathIndex(n-1))
				}
			}
			_ = first
			start := lineStart(data, int(first.Raw.Offset))
			hdrEnd := lineEnd(data, int(last.Raw.Offset+last.Raw.Length))
			d.Sections = append(d.Sections, TOMLSection{Path: resolved, Array: e.Kind == unstable.ArrayTable, Start: start, HeaderEnd: hdrEnd, End: hdrEnd})
			sec = &d.Sections[len(d.Sections)-1]
			cur = resolved
			d.setLoc(resolved, Located{At: textpos.Span{Start: start, End: hdrEnd}, Value: textpos.Span{Start: start, End: hdrEnd}, Block: true})
		case unstable.KeyValue:
			end := d.locateKeyValue(e, cur)
			if sec != nil {
				sec.End = lineEnd(data, end)
			}
		}
	}
	if err := p.Error(); err != nil {
		var perr *unstable.ParserError
		off := len(data)
		if errors.As(err, &perr) {
			off = offsetOf(data, perr.Highlight)
			return false, off, "wrangler.toml: " + perr.Message
		}
		return false, off, "wrangler.toml: " + err.Error()
	}
	// Block locations cover the whole section once its end is known.
	for _, s := range d.Sections {
		d.setLoc(s.Path, Located{At: textpos.Span{Start: s.Start, End: s.End}, Value: textpos.Span{Start: s.Start, End: s.End}, Block: true})
	}

	root := map[string]any{}
	if err := toml.Unmarshal(data, &root); err != nil {
		var derr *toml.DecodeError
		if errors.As(err, &derr) {
			row, col := derr.Position()
			return false, offsetOfRowCol(data, row, col), "wrangler.toml: " + derr.Error()
		}
		return false, 0, "wrangler.toml: " + err.Error()
	}
	if off, msg, ok := toml10Issue(data); !ok {
		return false, off, "wrangler.toml: " + msg
	}
	d.Root = root
	return true, 0, ""
}

// keyOf returns the decoded parts of a table header's or key/value's key and its first and last key nodes.
func keyOf(n *unstable.Node) (parts []string, first, last *unstable.Node) {
	it := n.Key()
	for it.Next() {
		k := it.Node()
		if first == nil {
			first = k
		}
		last = k
		parts = append(parts, string(k.Data))
	}
	return parts, first, last
}

// locateKeyValue records the key/value n under prefix (and everything inside its value); returns its end.
func (d *Doc) locateKeyValue(n *unstable.Node, prefix []string) int {
	keys, first, last := keyOf(n)
	path := append(append([]string(nil), prefix...), keys...)
	start := int(first.Raw.Offset)
	end := int(n.Raw.Offset + n.Raw.Length)
	vs := skipTOMLBlank(d.Data, int(last.Raw.Offset+last.Raw.Length))
	if vs < len(d.Data) && d.Data[vs] == '=' {
		vs = skipTOMLBlank(d.Data, vs+1)
	}
	d.setLoc(path, Located{At: textpos.Span{Start: start, End: end}, Value: textpos.Span{Start: vs, End: end}})
	d.locateValue(n.Value(), path, textpos.Span{Start: vs, End: end})
	return end
}

// locateValue records the children of an array or inline-table value.
func (d *Doc) locateValue(v *unstable.Node, path []string, at textpos.Span) {
	if len(path) >= maxLocateDepth {
		return
	}
	switch v.Kind {
	case unstable.InlineTable:
		it := v.Children()
		for it.Next() {
			if c := it.Node(); c.Kind == unstable.KeyValue {
				d.locateKeyValue(c, path)
			}
		}
	case unstable.Array:
		elems := tomlArrayElements(d.Data, at.Start)
		it := v.Children()
		i := 0
		for it.Next() {
			c := it.Node()
			if c.Kind == unstable.Comment {
				continue
			}
			if i >= len(elems) {
				break
			}
			ep := append(append([]string(nil), path...), PathIndex(i))
			d.setLoc(ep, Located{At: elems[i], Value: elems[i]})
			d.locateValue(c, ep, elems[i])
			i++
		}
	}
}

// tomlArrayElements returns the spans of the elements of the array opening at open.
func tomlArrayElements(data []byte, open int) []textpos.Span {
	var out []textpos.Span
	if open >= len(data) || data[open] != '[' {
		return nil
	}
	i := open + 1
	for {
		i = skipTOMLTrivia(data, i)
		if i >= len(data) || data[i] == ']' {
			return out
		}
		if data[i] == ',' {
			i++
			continue
		}
		start := i
		end := skipTOMLValue(data, i)
		out = append(out, textpos.Span{Start: start, End: end})
		i = end
	}
}

// skipTOMLValue returns the end of the value starting at i.
func skipTOMLValue(data []byte, i int) int {
	switch data[i] {
	case '"', '\'':
		return skipTOMLString(data, i)
	case '[', '{':
		return matchTOMLBracket(data, i)
	}
	j := i
	for j < len(data) {
		c := data[j]
		if c == ',' || c == ']' || c == '}' || c == '#' || c == '\n' || c == '\r' {
			break
		}
		j++
	}
	for j > i && (data[j-1] == ' ' || data[j-1] == '\t') {
		j--
	}
	return j
}

// matchTOMLBracket returns the offset just past the bracket closing the one at i.
func matchTOMLBracket(data []byte, i int) int {
	depth := 0
	for j := i; j < len(data); {
		switch c := data[j]; c {
		case '"', '\'':
			j = skipTOMLString(data, j)
			continue
		case '#':
			for j < len(data) && data[j] != '\n' {
				j++
			}
			continue
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return j + 1
			}
		}
		j++
	}
	return len(data)
}

// skipTOMLString returns the offset just past the string starting at i.
func skipTOMLString(data []byte, i int) int {
	q := data[i]
	if i+2 < len(data) && data[i+1] == q && data[i+2] == q {
		j := i + 3
		for j+2 < len(data) {
			if q == '"' && data[j] == '\\' {
				j += 2
				continue
			}
			if data[j] == q && data[j+1] == q && data[j+2] == q {
				j += 3
				// Up to two more quotes belong to the content.
				for k := 0; k < 2 && j < len(data) && data[j] == q; k++ {
					j++
				}
				return j
			}
			j++
		}
		return len(data)
	}
	j := i + 1
	for j < len(data) {
		if q == '"' && data[j] == '\\' {
			j += 2
			continue
		}
		if data[j] == q {
			return j + 1
		}
		if data[j] == '\n' {
			return j
		}
		j++
	}
	return len(data)
}

// skipTOMLBlank skips spaces and tabs.
func skipTOMLBlank(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t') {
		i++
	}
	return i
}

// skipTOMLTrivia skips whitespace, newlines and comments.
func skipTOMLTrivia(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\r', '\n':
			i++
		case '#':
			for i < len(data) && data[i] != '\n' {
				i++
			}
		default:
			return i
		}
	}
	return i
}

// lineStart returns the offset of the start of the line holding off.
func lineStart(data []byte, off int) int {
	for off > 0 && data[off-1] != '\n' {
		off--
	}
	return off
}

// lineEnd returns the offset just past the newline ending the line holding off (or len(data)).
func lineEnd(data []byte, off int) int {
	for off < len(data) && data[off] != '\n' {
		off++
	}
	if off < len(data) {
		off++
	}
	return off
}

// offsetOf returns where sub (a subslice of data) starts.
func offsetOf(data, sub []byte) int {
	off := cap(data) - cap(sub)
	if sub == nil || off < 0 || off > len(data) {
		return len(data)
	}
	return off
}

// offsetOfRowCol converts a 1-based row and byte column to an offset.
func offsetOfRowCol(data []byte, row, col int) int {
	off := 0
	for r := 1; r < row && off < len(data); r++ {
		off = lineEnd(data, off)
	}
	off += col - 1
	if off < 0 {
		off = 0
	}
	if off > len(data) {
		off = len(data)
	}
	return off
}
