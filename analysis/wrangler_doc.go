// This file defines WranglerDoc: a parsed wrangler file (TOML or JSONC) as decoded
// values plus the byte span of every key, table block and array element, so that
// diagnostics can point into the file and edits can splice it without reformatting.
package analysis

import (
	"bytes"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// WranglerFormat is the syntax of a wrangler file.
type WranglerFormat int

const (
	WranglerTOML WranglerFormat = iota
	WranglerJSON
	WranglerJSONC
)

func (f WranglerFormat) String() string {
	switch f {
	case WranglerJSON:
		return "json"
	case WranglerJSONC:
		return "jsonc"
	}
	return "toml"
}

// WranglerFormatOf returns the format a wrangler file name implies.
func WranglerFormatOf(path string) WranglerFormat {
	switch {
	case strings.HasSuffix(path, ".json"):
		return WranglerJSON
	case strings.HasSuffix(path, ".jsonc"):
		return WranglerJSONC
	}
	return WranglerTOML
}

// Span is a half-open byte range [Start, End) of a wrangler file.
type Span struct {
	Start, End int
}

// Located is where one value of the document sits.
type Located struct {
	At    Span // the whole entry: `key = value` line, `[[table]]` block, array element, JSON member
	Value Span // the value alone (for blocks and elements: same as At)
	Block bool // a TOML `[table]` / `[[array table]]` section
}

// TOMLSection is one `[table]` or `[[array table]]` section of a TOML file, in file order.
type TOMLSection struct {
	Path      []string // resolved path; array-table elements carry an index part (see PathIndex)
	Array     bool     // `[[...]]`
	Start     int      // start of the header's line
	HeaderEnd int      // just past the header line's newline
	End       int      // just past the last line that belongs to the section's key/values
}

// WranglerDoc is a parsed wrangler file.
type WranglerDoc struct {
	Format   WranglerFormat
	Data     []byte
	Root     map[string]any // decoded values (TOML types from go-toml, JSON types from encoding/json)
	Sections []TOMLSection  // TOML only
	CRLF     bool           // the file uses CRLF line endings

	locs map[string]Located
	pc   posCache
}

// maxLocateDepth bounds how deep locations are recorded: the keys this tool reads
// sit at most 6 levels down (env.X.durable_objects.bindings[i].class_name), and
// recording every level of a deeply nested value would cost quadratic memory.
const maxLocateDepth = 8

// maxJSONDepth rejects absurdly nested JSON before parsing (wrangler files are shallow).
const maxJSONDepth = 1000

// PathIndex is the path part that stands for element i of an array.
func PathIndex(i int) string { return "\x01" + strconv.Itoa(i) }

func pathKey(parts []string) string { return strings.Join(parts, "\x00") }

// appendPathKey appends pathKey(parts) to b.
func appendPathKey(b []byte, parts []string) []byte {
	for i, p := range parts {
		if i > 0 {
			b = append(b, 0)
		}
		b = append(b, p...)
	}
	return b
}

// Loc returns where the value at path sits (keys and PathIndex parts).
func (d *WranglerDoc) Loc(path ...string) (Located, bool) {
	// The key is built in a stack buffer: a map lookup by string(bytes) does
	// not allocate, and Loc runs for every binding and migration entry.
	var buf [128]byte
	l, ok := d.locs[string(appendPathKey(buf[:0], path))]
	return l, ok
}

func (d *WranglerDoc) setLoc(path []string, l Located) {
	if d.locs == nil {
		// About one located value per line; sizing up front saves the map's
		// repeated growth on files with thousands of bindings.
		d.locs = make(map[string]Located, bytes.Count(d.Data, []byte{'\n'})+1)
	}
	d.locs[pathKey(path)] = l
}

// Newline is the line ending new text should use.
func (d *WranglerDoc) Newline() string {
	if d.CRLF {
		return "\r\n"
	}
	return "\n"
}

// Pos converts a byte offset of the document to a Pos.
func (d *WranglerDoc) Pos(off int) Pos { return d.pc.pos(d.Data, off) }

// Range converts a span of the document to a Range.
func (d *WranglerDoc) Range(s Span) Range { return Range{Start: d.Pos(s.Start), End: d.Pos(s.End)} }

// posCache converts offsets to positions: a line index built on first use, and the
// last answer, so that increasing offsets on one long line cost only the distance
// between them (a ledger array can be one line of thousands of classes).
type posCache struct {
	lineStarts []int
	last       Pos
	valid      bool
}

func (c *posCache) pos(data []byte, off int) Pos {
	if off < 0 {
		off = 0
	}
	if off > len(data) {
		off = len(data)
	}
	if c.lineStarts == nil {
		starts := []int{0}
		for i, b := range data {
			if b == '\n' {
				starts = append(starts, i+1)
			}
		}
		c.lineStarts = starts
	}
	starts := c.lineStarts
	lo, hi := 0, len(starts)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if starts[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	from, col := starts[lo], 0
	if c.valid && c.last.Line == lo && c.last.Offset <= off {
		from, col = c.last.Offset, c.last.Col16
	}
	for b := data[from:off]; len(b) > 0; {
		if b[0] < utf8.RuneSelf {
			col++
			b = b[1:]
			continue
		}
		r, n := utf8.DecodeRune(b)
		if r >= 0x10000 {
			col += 2
		} else {
			col++
		}
		b = b[n:]
	}
	p := Pos{Offset: off, Line: lo, Col16: col}
	c.last, c.valid = p, true
	return p
}

// ParseWranglerDoc parses data in the given format. On a syntax error it returns
// nil and the issue, positioned where the parser stopped.
func ParseWranglerDoc(format WranglerFormat, data []byte) (*WranglerDoc, *WranglerIssue) {
	d := &WranglerDoc{Format: format, Data: data, CRLF: strings.Contains(string(data), "\r\n")}
	var errOff int
	var msg string
	var ok bool
	if format == WranglerTOML {
		ok, errOff, msg = d.parseTOML()
	} else {
		ok, errOff, msg = d.parseJSONC()
	}
	if !ok {
		r := Range{Start: d.Pos(errOff), End: d.Pos(errOff)}
		if errOff < len(data) {
			r.End = d.Pos(errOff + 1)
		}
		return nil, &WranglerIssue{At: r, Message: msg}
	}
	return d, nil
}

// WranglerIssue is a problem found in a wrangler file (WRANGLER_CONFIG).
type WranglerIssue struct {
	At      Range
	Message string
}

// Value returns the decoded value at path (keys and PathIndex parts).
func (d *WranglerDoc) Value(path ...string) (any, bool) {
	var cur any = d.Root
	for _, p := range path {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[p]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			if !strings.HasPrefix(p, "\x01") {
				return nil, false
			}
			i, err := strconv.Atoi(p[1:])
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// Keys returns the keys of the table/object at path, sorted by where they appear in the file.
func (d *WranglerDoc) Keys(path ...string) []string {
	v, _ := d.Value(path...)
	m, _ := v.(map[string]any)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	at := func(k string) int {
		if l, ok := d.Loc(append(append([]string(nil), path...), k)...); ok {
			return l.At.Start
		}
		return -1
	}
	sort.Slice(keys, func(i, j int) bool { return at(keys[i]) < at(keys[j]) })
	return keys
}

// EndUnder returns the largest end of any entry located strictly under path
// (dotted keys inside inline tables included), or -1 when there is none.
func (d *WranglerDoc) EndUnder(path ...string) int {
	prefix := pathKey(path) + "\x00"
	if len(path) == 0 {
		prefix = ""
	}
	end := -1
	for k, l := range d.locs {
		if k != "" && strings.HasPrefix(k, prefix) && l.At.End > end {
			end = l.At.End
		}
	}
	return end
}
