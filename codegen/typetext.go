// This file defines the rewrite of a type annotation's source text for use in a
// generated file: names the object file exports are qualified with import('...'),
// built-in names are kept, and any other name makes the whole type `unknown`
// (it cannot be referenced from outside the object file).

package codegen

import (
	"strings"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

// resolve rewrites annotation text written in the object file. It never guesses:
// a name it cannot reference from the generated file gives "unknown".
func (s typeScope) resolve(text string) string {
	// Fast path for the common single-name annotation (`number`, `Item`).
	switch {
	case primitiveTypes[text] || builtinTypes[text]:
		return text
	case s.isExported(text):
		return "import('" + s.importPath + "')." + text
	}
	out, ok := s.rewrite(text)
	if !ok || strings.TrimSpace(out) == "" {
		return "unknown"
	}
	return out
}

type typeToken struct {
	kind byte // 'i' identifier, 's' string literal, 'p' punctuation
	text string
	nl   bool // a line break precedes the token
}

func (s typeScope) rewrite(text string) (string, bool) {
	toks, ok := tokenizeType(text)
	if !ok {
		return "", false
	}
	var b strings.Builder
	b.Grow(len(text) + 16)
	for i, t := range toks {
		prev, next, next2 := tokenAt(toks, i-1), tokenAt(toks, i+1), tokenAt(toks, i+2)
		// A property key, tuple label or function-type parameter name (not the
		// branch of a conditional type, `? X : Y`).
		isKey := t.kind == 'i' && prev.text != "?" && prev.text != "." &&
			(next.text == ":" || (next.text == "?" && next2.text == ":"))
		if isKey && t.nl && !isKeyPosition(prev) {
			// Members separated only by a line break: keep them apart on one line.
			b.WriteByte(';')
		}
		if i > 0 && (needsSpace(prev, t) || (isKey && t.nl)) {
			b.WriteByte(' ')
		}
		if t.kind != 'i' {
			b.WriteString(t.text)
			continue
		}
		switch {
		case prev.text == ".":
			// The member of a qualified name; its head was checked already.
			b.WriteString(t.text)
		case isKey:
			b.WriteString(t.text)
		case t.text == "typeof" || t.text == "import" || t.text == "infer" || t.text == "this":
			// A value or module reference, or a type variable: not resolvable here.
			return "", false
		case typeKeywords[t.text] || builtinTypes[t.text]:
			b.WriteString(t.text)
		case s.isExported(t.text):
			b.WriteString("import('" + s.importPath + "')." + t.text)
		default:
			return "", false
		}
	}
	return b.String(), true
}

func tokenAt(toks []typeToken, i int) typeToken {
	if i < 0 || i >= len(toks) {
		return typeToken{}
	}
	return toks[i]
}

// isKeyPosition: a name right after one of these, and followed by `:`, is a key
// ({ a: T }, [label: T], (x: T) => U), not a type reference.
func isKeyPosition(prev typeToken) bool {
	switch prev.text {
	case "{", ",", ";", "(", "[", "readonly", "":
		return true
	}
	return false
}

func needsSpace(a, b typeToken) bool {
	if a.kind == 'p' && b.kind == 'p' {
		return spacedPunct[a.text] || spacedPunct[b.text]
	}
	if a.kind == 'p' {
		return spacedPunct[a.text] || a.text == ":" || a.text == "," || a.text == ";" || a.text == "{"
	}
	if b.kind == 'p' {
		return spacedPunct[b.text] || b.text == "}"
	}
	return true // two words: `keyof T`, `readonly string[]`
}

var spacedPunct = map[string]bool{"|": true, "&": true, "=>": true, "=": true, "?": false}

// tokenizeType splits annotation text into identifiers, string literals and
// punctuation, dropping whitespace and comments. Template literal types with
// substitutions are refused (they may reference anything).
func tokenizeType(text string) ([]typeToken, bool) {
	toks := make([]typeToken, 0, min(len(text)/2+2, 64))
	nl := false
	emit := func(kind byte, s string) {
		toks = append(toks, typeToken{kind: kind, text: s, nl: nl})
		nl = false
	}
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '\n':
			nl = true
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '/' && i+1 < len(text) && text[i+1] == '/':
			for i < len(text) && text[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(text) && text[i+1] == '*':
			end := strings.Index(text[i+2:], "*/")
			if end < 0 {
				return nil, false
			}
			i += end + 4
		case c == '\'' || c == '"' || c == '`':
			j := i + 1
			for j < len(text) && text[j] != c {
				switch {
				case text[j] == '\\':
					j++ // skip the escaped character
				case c == '`' && text[j] == '$' && j+1 < len(text) && text[j+1] == '{':
					return nil, false
				}
				j++
			}
			if j >= len(text) || strings.ContainsAny(text[i:j+1], "\r\n\u2028\u2029") {
				return nil, false // unterminated, or not on one line as generated signatures are
			}
			emit('s', text[i:j+1])
			i = j + 1
		case analysis.IdentByte(c, true) || c >= 0x80:
			j := i
			for j < len(text) && (analysis.IdentByte(text[j], false) || text[j] >= 0x80) {
				j++
			}
			emit('i', text[i:j])
			i = j
		case c >= '0' && c <= '9' || (c == '-' && i+1 < len(text) && text[i+1] >= '0' && text[i+1] <= '9'):
			j := i + 1
			for j < len(text) && (text[j] >= '0' && text[j] <= '9' || text[j] == '.' || text[j] == '_' ||
				text[j] == 'n' || text[j] == 'x' || text[j] == 'e' || (text[j] >= 'a' && text[j] <= 'f')) {
				j++
			}
			emit('s', text[i:j]) // a numeric literal type behaves like a string literal
			i = j
		case c == '=' && i+1 < len(text) && text[i+1] == '>':
			emit('p', "=>")
			i += 2
		case c == '.' && strings.HasPrefix(text[i:], "..."):
			emit('p', "...")
			i += 3
		case strings.IndexByte(typePunct, c) >= 0:
			emit('p', string(c))
			i++
		default:
			// Not type syntax (`/`, `*`, `@`, `#`, `\`...): refuse rather than
			// print something that could read differently (`/ *` -> `/*`).
			return nil, false
		}
	}
	return toks, true
}

// typePunct are the single-character punctuators of type syntax.
const typePunct = "<>[](){},;:?|&=.-+!"

// primitiveTypes are the keyword types that stand alone.
var primitiveTypes = map[string]bool{
	"string": true, "number": true, "boolean": true, "bigint": true, "symbol": true, "object": true,
	"unknown": true, "any": true, "never": true, "void": true, "undefined": true, "null": true,
	"true": true, "false": true,
}

// typeKeywords are TypeScript's type-level keywords and primitive types.
var typeKeywords = map[string]bool{
	"string": true, "number": true, "boolean": true, "bigint": true, "symbol": true, "object": true,
	"unknown": true, "any": true, "never": true, "void": true, "undefined": true, "null": true,
	"true": true, "false": true, "keyof": true, "readonly": true, "unique": true, "extends": true,
	"in": true, "is": true, "asserts": true, "new": true, "abstract": true,
}

// builtinTypes are global names from TypeScript's lib and the Workers runtime that
// a generated file can reference as they are.
var builtinTypes = map[string]bool{
	"Array": true, "ReadonlyArray": true, "Record": true, "Partial": true, "Required": true, "Readonly": true,
	"Pick": true, "Omit": true, "Exclude": true, "Extract": true, "NonNullable": true, "ReturnType": true,
	"Parameters": true, "InstanceType": true, "ConstructorParameters": true, "Awaited": true, "NoInfer": true,
	"Uppercase": true, "Lowercase": true, "Capitalize": true, "Uncapitalize": true,
	"Promise": true, "PromiseLike": true, "Map": true, "Set": true, "ReadonlyMap": true, "ReadonlySet": true,
	"WeakMap": true, "WeakSet": true, "Date": true, "Error": true, "RegExp": true, "Object": true,
	"String": true, "Number": true, "Boolean": true, "BigInt": true, "Symbol": true, "Function": true,
	"ArrayBuffer": true, "ArrayBufferView": true, "DataView": true, "Uint8Array": true, "Int8Array": true,
	"Uint16Array": true, "Int16Array": true, "Uint32Array": true, "Int32Array": true, "Float32Array": true,
	"Float64Array": true, "BigInt64Array": true, "BigUint64Array": true, "Uint8ClampedArray": true,
	"Iterable": true, "AsyncIterable": true, "ReadableStream": true, "WritableStream": true, "Blob": true,
	"File": true, "FormData": true, "Headers": true, "Request": true, "Response": true, "URL": true,
	"URLSearchParams": true, "WebSocket": true, "DurableObjectId": true,
}
