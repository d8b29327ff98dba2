package lsp

import (
	"testing"

	"go.lsp.dev/protocol"
)

func TestDuplicateMarksEveryFileAndFixingOneClearsBoth(t *testing.T) {
	e := newEnv(t, map[string]string{
		"cloudwerk.config.ts":      "export default {}\n",
		"app/objects/chat-room.ts": objectSource(""),
		"app/objects/chatRoom.ts":  objectSource(""),
		"app/objects/counter.ts":   objectSource(""),
	})
	e.initialize(protocol.ClientCapabilities{})
	text := e.open("app/objects/chat-room.ts", 1)
	got := e.client.waitDiags(t, e.uri("app/objects/chat-room.ts"), 1, hasCode("DUPLICATE_NAME"))
	if len(got[0].RelatedInformation) == 0 {
		t.Errorf("duplicate has no related information: %+v", got)
	}
	// The other file is closed: its diagnostics come from disk, unversioned.
	e.client.waitDiags(t, e.uri("app/objects/chatRoom.ts"), -1, hasCode("DUPLICATE_NAME"))

	// An explicit name makes chat-room.ts a different object: both clear.
	e.edit("app/objects/chat-room.ts", 2, &text, "sqlite: true,", "name: 'lobby',\n  sqlite: true,")
	e.client.waitDiags(t, e.uri("app/objects/chat-room.ts"), 2, lacksCode("DUPLICATE_NAME"))
	e.client.waitDiags(t, e.uri("app/objects/chatRoom.ts"), -1, lacksCode("DUPLICATE_NAME"))
}
