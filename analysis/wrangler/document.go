// This file defines Doc: a parsed wrangler file (TOML or JSONC) as decoded
// values plus the byte span of every key, table block and array element, so that
// diagnostics can point into the file and edits can splice it without reformatting.

package wrangler

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/textpos"
)

// Format is the syntax of a wrangler file.
type Format int

const (
	TOML Format = iota
	JSON
	JSONC
)

func (f Format) String() string {
	switch f {
	case JSON:
		return "json"
	case JSONC:
		return "jsonc"
	}
	return "toml"
}

// FormatOf returns the format a wrangler file name implies.
func FormatOf(path string) Format {
	switch {
	case strings.HasSuffix(path, ".json"):
		return JSON
	case strings.HasSuffix(path, ".jsonc"):
		return JSONC
	}
	return TOML
}

// Located is where one value of the document sits.
type Located struct {
	At    textpos.Span // the whole entry: `key = value` line, `[[table]]` block, array element, JSON member
	Value textpos.Span // the value alone (for blocks and elements: same as At)
	Block bool         // a TOML `[table]` / `[[array table]]` section
}

// TOMLSection is one `[table]` or `[[array table]]` section of a TOML file, in file order.
type TOMLSection struct {
	Path      []string // resolved path; array-table elements carry an index part (see PathIndex)
	Array     bool     // `[[...]]`
	Start     int      // start of the header's line
	HeaderEnd int      // just past the header line's newline
	End       int      // just past the last line that belongs to the section's key/values
}

// Doc is a parsed wrangler file.
type Doc struct {
	Format   Format
	Data     []byte
	Root     map[string]any // decoded values (TOML types from go-toml, JSON types from encoding/json)
	Sections []TOMLSection  // TOML only
	CRLF     bool           // the file uses CRLF line endings

	locs  map[string]Located
	lines *textpos.LineIndex[[]byte] // built on first use
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
func (d *Doc) Loc(path ...string) (Located, bool) {
	// The key is built in a stack buffer: a map lookup by string(bytes) does
	// not allocate, and Loc runs for every binding and migration entry.
	var buf [128]byte
	l, ok := d.locs[string(appendPathKey(buf[:0], path))]
	return l, ok
}

func (d *Doc) setLoc(path []string, l Located) {
	if d.locs == nil {
		// About one located value per line; sizing up front saves the map's
		// repeated growth on files with thousands of bindings.
		d.locs = make(map[string]Located, bytes.Count(d.Data, []byte{'\n'})+1)
	}
	d.locs[pathKey(path)] = l
}

// Newline is the line ending new text should use.
func (d *Doc) Newline() string {
	if d.CRLF {
		return "\r\n"
	}
	return "\n"
}

// Pos converts a byte offset of the document to a Pos.
func (d *Doc) Pos(off int) textpos.Pos {
	if d.lines == nil {
		d.lines = textpos.NewLineIndex(d.Data)
	}
	return d.lines.Pos(off)
}

// Range converts a span of the document to a Range.
func (d *Doc) Range(s textpos.Span) textpos.Range {
	return textpos.Range{Start: d.Pos(s.Start), End: d.Pos(s.End)}
}

// ParseDoc parses data in the given format. On a syntax error it returns
// nil and the issue, positioned where the parser stopped.
func ParseDoc(format Format, data []byte) (*Doc, *Issue) {
	d := &Doc{Format: format, Data: data, CRLF: strings.Contains(string(data), "\r\n")}
	if off, msg, ok := encodingIssue(data); !ok {
		return nil, &Issue{At: textpos.Range{Start: d.Pos(off), End: d.Pos(off)}, Message: msg}
	}
	// Wrangler reads a file that starts with a UTF-8 byte order mark: the parsers
	// see spaces in its place, so every offset still points into data.
	if bytes.HasPrefix(data, utf8BOM) {
		d.Data = append([]byte("   "), data[len(utf8BOM):]...)
	}
	var errOff int
	var msg string
	var ok bool
	if format == TOML {
		ok, errOff, msg = d.parseTOML()
	} else {
		ok, errOff, msg = d.parseJSONC()
	}
	d.Data = data
	if !ok {
		r := textpos.Range{Start: d.Pos(errOff), End: d.Pos(errOff)}
		if errOff < len(data) {
			r.End = d.Pos(errOff + 1)
		}
		return nil, &Issue{At: r, Message: msg}
	}
	return d, nil
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// encodingIssue reports data that is not UTF-8 with a message that says so,
// instead of the parser's complaint about the first odd byte.
func encodingIssue(data []byte) (off int, msg string, ok bool) {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return 0, "the file is UTF-16 (it starts with a UTF-16 byte order mark); wrangler reads UTF-8: save it as UTF-8", false
	}
	if !utf8.Valid(data) {
		for i := 0; i < len(data); {
			r, n := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && n == 1 {
				return i, fmt.Sprintf("the file is not valid UTF-8 (byte 0x%02X); wrangler reads UTF-8: save it as UTF-8", data[i]), false
			}
			i += n
		}
	}
	return 0, "", true
}

// Issue is a problem found in a wrangler file (WRANGLER_CONFIG).
type Issue struct {
	At      textpos.Range
	Message string
}

// Value returns the decoded value at path (keys and PathIndex parts).
func (d *Doc) Value(path ...string) (any, bool) {
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
func (d *Doc) Keys(path ...string) []string {
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
func (d *Doc) EndUnder(path ...string) int {
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
