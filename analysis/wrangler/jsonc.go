// This file locates the members and array elements of a JSON/JSONC wrangler file
// (comments and trailing commas allowed, as wrangler accepts them) with tailscale/hujson.

package wrangler

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/tailscale/hujson"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/textpos"
)

var hujsonErrPos = regexp.MustCompile(`line (\d+), column (\d+)`)

func (d *Doc) parseJSONC() (ok bool, errOff int, msg string) {
	if off := jsonTooDeep(d.Data); off >= 0 {
		return false, off, fmt.Sprintf("wrangler config: nested more than %d levels deep", maxJSONDepth)
	}
	v, err := hujson.Parse(d.Data)
	if err != nil {
		off := len(d.Data)
		if m := hujsonErrPos.FindStringSubmatch(err.Error()); m != nil {
			row, _ := strconv.Atoi(m[1])
			col, _ := strconv.Atoi(m[2])
			off = offsetOfRowCol(d.Data, row, col)
		}
		return false, off, "wrangler config: " + err.Error()
	}
	if _, isObj := v.Value.(*hujson.Object); !isObj {
		return false, v.StartOffset, "wrangler config: the top-level value must be an object"
	}
	d.setLoc(nil, Located{At: textpos.Span{Start: v.StartOffset, End: v.EndOffset}, Value: textpos.Span{Start: v.StartOffset, End: v.EndOffset}})
	d.locateJSON(&v, nil)
	std := v.Clone()
	std.Standardize()
	root := map[string]any{}
	if err := json.Unmarshal(std.Pack(), &root); err != nil {
		return false, 0, "wrangler config: " + err.Error()
	}
	d.Root = root
	return true, 0, ""
}

// locateJSON records the members and elements under v; iterative over siblings, recursive over depth.
func (d *Doc) locateJSON(v *hujson.Value, path []string) {
	if len(path) >= maxLocateDepth {
		return
	}
	switch t := v.Value.(type) {
	case *hujson.Object:
		for i := range t.Members {
			m := &t.Members[i]
			name := m.Name.Value.(hujson.Literal).String()
			p := append(append([]string(nil), path...), name)
			d.setLoc(p, Located{At: textpos.Span{Start: m.Name.StartOffset, End: m.Value.EndOffset}, Value: textpos.Span{Start: m.Value.StartOffset, End: m.Value.EndOffset}})
			d.locateJSON(&m.Value, p)
		}
	case *hujson.Array:
		for i := range t.Elements {
			e := &t.Elements[i]
			p := append(append([]string(nil), path...), PathIndex(i))
			s := textpos.Span{Start: e.StartOffset, End: e.EndOffset}
			d.setLoc(p, Located{At: s, Value: s})
			d.locateJSON(e, p)
		}
	}
}

// jsonTooDeep returns the offset where brackets nest deeper than maxJSONDepth, or -1.
// Strings and comments are skipped; the input need not be valid.
func jsonTooDeep(data []byte) int {
	depth := 0
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '"':
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		case '/':
			if i+1 < len(data) && data[i+1] == '/' {
				for i < len(data) && data[i] != '\n' {
					i++
				}
			} else if i+1 < len(data) && data[i+1] == '*' {
				end := strings.Index(string(data[i+2:]), "*/")
				if end < 0 {
					return -1
				}
				i += end + 3
			}
		case '[', '{':
			depth++
			if depth > maxJSONDepth {
				return i
			}
		case ']', '}':
			depth--
		}
	}
	return -1
}
