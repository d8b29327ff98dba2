// This file defines Cloudwerk's naming convention, with exact parity to its
// scanner: file name -> object name -> binding and class names, and back.

package analysis

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

func isLower(c byte) bool { return c >= 'a' && c <= 'z' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

// FileNameToObjectName replaces each `-x` (x a lower-case letter) with `X`:
// chat-room -> chatRoom; obj-123 stays obj-123.
func FileNameToObjectName(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		if name[i] == '-' && i+1 < len(name) && isLower(name[i+1]) {
			b.WriteByte(name[i+1] - 'a' + 'A')
			i++
			continue
		}
		b.WriteByte(name[i])
	}
	return b.String()
}

// ObjectNameToBindingName puts `_` before every upper-case letter, upper-cases
// everything and drops a leading `_`: chatRoom -> CHAT_ROOM, ChatRoom -> CHAT_ROOM.
func ObjectNameToBindingName(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if isUpper(c) {
			b.WriteByte('_')
		}
		if isLower(c) {
			c = c - 'a' + 'A'
		}
		b.WriteByte(c)
	}
	return strings.TrimPrefix(b.String(), "_")
}

// ObjectNameToClassName upper-cases the first character: chatRoom -> ChatRoom.
func ObjectNameToClassName(name string) string {
	if name == "" || !isLower(name[0]) {
		return name
	}
	return string(name[0]-'a'+'A') + name[1:]
}

// BindingNameToObjectName lower-cases everything, then turns each `_x` into `X`:
// RATE_LIMITER -> rateLimiter.
func BindingNameToObjectName(binding string) string {
	lower := strings.ToLower(binding)
	var b strings.Builder
	for i := 0; i < len(lower); i++ {
		if lower[i] == '_' && i+1 < len(lower) && isLower(lower[i+1]) {
			b.WriteByte(lower[i+1] - 'a' + 'A')
			i++
			continue
		}
		b.WriteByte(lower[i])
	}
	return b.String()
}

// ValidObjectName mirrors Cloudwerk's check (non-empty, starts with [a-z],
// contains neither `-` nor `_`) and adds what Cloudwerk forgets: the name must
// become a class name, so only letters, digits and `$` (a file named
// `sp ace.ts`, `quote".ts` or with a control byte or invalid UTF-8 is invalid).
func ValidObjectName(name string) bool {
	return name != "" && isLower(name[0]) && !strings.ContainsAny(name, "-_") && !NameHasBadRunes(name)
}

// NameHasBadRunes reports whether name holds something no class name can (a
// space, a quote, a control character, invalid UTF-8: anything but letters,
// digits, '$' and the '-' and '_' Cloudwerk's own rule is about).
func NameHasBadRunes(name string) bool {
	for _, r := range name {
		if r == utf8.RuneError || !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("$-_", r) {
			return true
		}
	}
	return false
}

// ValidRuntimeName is the pattern defineDurableObject enforces on an explicit
// `name`: ^[a-z][a-z0-9-]*$.
func ValidRuntimeName(name string) bool {
	if name == "" || !isLower(name[0]) {
		return false
	}
	for i := 1; i < len(name); i++ {
		c := name[i]
		if !isLower(c) && !(c >= '0' && c <= '9') && c != '-' {
			return false
		}
	}
	return true
}

// ValidMethodName is the runtime's ^[a-zA-Z_$][a-zA-Z0-9_$]*$.
func ValidMethodName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		ok := isLower(c) || isUpper(c) || c == '_' || c == '$' || (i > 0 && c >= '0' && c <= '9')
		if !ok {
			return false
		}
	}
	return true
}

// ReservedMethodNames are the method names defineDurableObject refuses.
var ReservedMethodNames = map[string]bool{
	"fetch": true, "alarm": true, "webSocketMessage": true, "webSocketClose": true,
	"webSocketError": true, "constructor": true, "init": true,
}

// HandlerFields are the config keys that must be functions when present.
var HandlerFields = []string{"init", "fetch", "alarm", "webSocketMessage", "webSocketClose", "webSocketError"}
