// This file holds wrangler files to what wrangler's TOML reader accepts: TOML
// 1.0, where go-toml also takes TOML 1.1. The one difference that matters in
// practice is inline tables: TOML 1.0 allows neither a trailing comma
// (`LIMITS = { cpu = 1, }`) nor a newline between the braces (outside a value
// that may hold one, such as an array or a multi-line string).

package wrangler

// toml10Issue scans valid TOML 1.1 data for what TOML 1.0 rejects and returns
// the offset and message of the first such place (ok false), or ok true.
func toml10Issue(data []byte) (off int, msg string, ok bool) {
	var stack []byte  // open '{' and '[' of values, innermost last
	lastComma := -1   // offset of the last ',' directly inside the innermost '{'
	lineStart := true // only whitespace since the last newline
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case c == '\n':
			if n := len(stack); n > 0 && stack[n-1] == '{' {
				return i, "newline inside an inline table: wrangler reads TOML 1.0, whose inline tables stay on one line (use a [table] instead)", false
			}
			lineStart = true
			continue
		case c == ' ' || c == '\t' || c == '\r':
			continue
		case c == '#':
			for i < len(data) && data[i] != '\n' {
				i++
			}
			i-- // the newline is seen by the loop
			continue
		case c == '"' || c == '\'':
			i = skipTOMLString(data, i) - 1 // the loop steps past the string
			lastComma = -1
		case c == '[' && len(stack) == 0 && lineStart:
			// A table header: its brackets are not an array.
			for i < len(data) && data[i] != '\n' {
				if data[i] == '"' || data[i] == '\'' {
					i = skipTOMLString(data, i)
					continue
				}
				i++
			}
			i--
		case c == '{' || c == '[':
			stack = append(stack, c)
			lastComma = -1
		case c == '}' || c == ']':
			if c == '}' && lastComma >= 0 {
				return lastComma, "trailing comma in an inline table: wrangler reads TOML 1.0, which does not allow it", false
			}
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			lastComma = -1
		case c == ',':
			if n := len(stack); n > 0 && stack[n-1] == '{' {
				lastComma = i
			}
		default:
			lastComma = -1
		}
		lineStart = false
	}
	return 0, "", true
}
