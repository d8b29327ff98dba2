package diagnostics

import (
	"reflect"
	"strings"
	"testing"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
)

func TestDuplicateFindingsEveryFile(t *testing.T) {
	kebab := counterFile(t, objDir+"chat-room.ts")
	camel := counterFile(t, objDir+"chatRoom.ts")
	named := newObj(t, objDir+"lobby.ts", "export default defineDurableObject({\n  name: 'chat-room',\n  fetch() {},\n})\n")
	named.field("name", "'chat-room'", analysis.KindString)
	named.field("fetch", "fetch() {}", analysis.KindFunction)
	other := counterFile(t, objDir+"counter.ts")

	entries := []*analysis.Entry{kebab.entry(), camel.entry(), named.entry(), other.entry()}
	got := DuplicateFindings(manifestOf(entries...))
	if len(got) != 3 {
		t.Fatalf("want 3 findings (every file involved), got %+v", got)
	}
	for _, d := range got {
		if d.Code != DuplicateName || d.Severity != Error {
			t.Errorf("got %s %v", d.Code, d.Severity)
		}
		if len(d.Related) != 2 {
			t.Errorf("%s: related %+v, want the 2 others", d.Path, d.Related)
		}
		for _, r := range d.Related {
			if r.Path == d.Path {
				t.Errorf("%s relates to itself", d.Path)
			}
		}
		if !strings.Contains(d.Message, `object name "chatRoom"`) {
			t.Errorf("message %q", d.Message)
		}
	}
	// the explicit name is the offending syntax in lobby.ts
	for _, d := range got {
		if d.Path == named.def.Path {
			if txt := named.textOf(d.Range); txt != "'chat-room'" {
				t.Errorf("range text %q, want the name value", txt)
			}
		}
	}

	// independent of scan order
	rev := []*analysis.Entry{entries[3], entries[2], entries[1], entries[0]}
	if again := DuplicateFindings(manifestOf(rev...)); !reflect.DeepEqual(stripEntries(again), stripEntries(got)) {
		t.Errorf("order changes the result:\n%+v\n%+v", again, got)
	}

	// restricted to touched names: only the group of that name
	if sub := DuplicateFindings(manifestOf(entries...), "counter"); len(sub) != 0 {
		t.Errorf("counter is unique, got %+v", sub)
	}
	if sub := DuplicateFindings(manifestOf(entries...), "chatRoom"); len(sub) != 3 {
		t.Errorf("touched chatRoom: want 3, got %d", len(sub))
	}
}

// stripEntries keeps what a reader sees (the entries themselves are rebuilt).
func stripEntries(ds []Diagnostic) []string {
	var out []string
	for _, d := range ds {
		s := d.Path + " " + d.Message
		for _, r := range d.Related {
			s += " | " + r.Path + " " + r.Message
		}
		out = append(out, s)
	}
	return out
}

func TestDuplicateAbsent(t *testing.T) {
	a := counterFile(t, objDir+"counter.ts").entry()
	b := counterFile(t, objDir+"chat-room.ts").entry()
	if got := DuplicateFindings(manifestOf(a, b)); len(got) != 0 {
		t.Fatalf("want none, got %+v", got)
	}
}

func TestDuplicateExtensions(t *testing.T) {
	a := counterFile(t, objDir+"counter.ts").entry()
	b := counterFile(t, objDir+"counter.tsx").entry()
	got := DuplicateFindings(manifestOf(b, a))
	if len(got) != 2 || got[0].Path != a.Path || got[1].Path != b.Path {
		t.Fatalf("want both files flagged in path order, got %+v", got)
	}
	if !strings.Contains(got[0].Message, "counter.tsx") || !strings.Contains(got[1].Message, "counter.ts") {
		t.Errorf("messages should name the other file: %q / %q", got[0].Message, got[1].Message)
	}
}
