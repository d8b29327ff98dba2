package analysis

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// defNamed is a definition whose config has `name: '<name>'` (no name field when "").
func defNamed(name string) *Definition {
	d := &Definition{Fields: map[string]*Field{}}
	if name != "" {
		d.Fields["name"] = &Field{Key: "name", Kind: KindString, Str: name}
	}
	return d
}

func TestNewEntry(t *testing.T) {
	for _, tc := range []struct {
		path, explicit               string
		object, class, binding, file string
		fromConfig                   bool
	}{
		{"/a/objects/counter.ts", "", "counter", "Counter", "COUNTER", "counter", false},
		{"/a/objects/chat-room.tsx", "", "chatRoom", "ChatRoom", "CHAT_ROOM", "chat-room", false},
		{"/a/objects/rate-limiter.ts", "", "rateLimiter", "RateLimiter", "RATE_LIMITER", "rate-limiter", false},
		{"/a/objects/Counter.ts", "", "Counter", "Counter", "COUNTER", "Counter", false},
		{"/a/objects/obj-123.ts", "", "obj-123", "Obj-123", "OBJ-123", "obj-123", false},
		{"/a/objects/foo.ts", "live-chat", "liveChat", "LiveChat", "LIVE_CHAT", "foo", true},
		// A name the runtime refuses (INVALID_CONFIG) does not rename the object.
		{"/a/objects/foo.ts", "Live_Chat", "foo", "Foo", "FOO", "foo", false},
		{"/a/objects/foo.ts", "9lives", "foo", "Foo", "FOO", "foo", false},
	} {
		e := NewEntry(tc.path, defNamed(tc.explicit))
		got := []any{e.ObjectName, e.ClassName, e.BindingName, e.FileName, e.NameFromConfig}
		want := []any{tc.object, tc.class, tc.binding, tc.file, tc.fromConfig}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("NewEntry(%q, name %q) = %v, want %v", tc.path, tc.explicit, got, want)
		}
	}
	// A name that is not a string literal is not statically known: the file name stands.
	d := &Definition{Fields: map[string]*Field{"name": {Key: "name", Kind: KindUnknown}}}
	if e := NewEntry("/a/objects/counter.ts", d); e.ObjectName != "counter" || e.NameFromConfig {
		t.Errorf("non-literal name: got %q (fromConfig %v)", e.ObjectName, e.NameFromConfig)
	}
	if e := NewEntry("/a/objects/counter.ts", nil); e.ObjectName != "counter" {
		t.Errorf("nil definition: got %q", e.ObjectName)
	}
}

// dumpManifest renders everything observable about a manifest, checking that the
// index accessors agree with each other on the way.
func dumpManifest(t testing.TB, m *Manifest) string {
	t.Helper()
	var b strings.Builder
	for _, e := range m.Entries {
		fmt.Fprintf(&b, "entry %s %s\n", filepath.Base(e.Path), e.ObjectName)
		if m.Lookup(e.Path) != e {
			t.Errorf("Lookup(%s) does not return its entry", e.Path)
		}
	}
	for _, ix := range []struct {
		name string
		x    NameIndex
	}{{"object", m.ByObject}, {"class", m.ByClass}, {"binding", m.ByBinding}} {
		names := ix.x.Names()
		if len(names) != ix.x.Len() {
			t.Errorf("%s index: %d names, Len %d", ix.name, len(names), ix.x.Len())
		}
		seen := 0
		for k, v := range ix.x.All() {
			seen++
			if !slices.Equal(v, ix.x.Get(k)) {
				t.Errorf("%s index: All and Get disagree on %q", ix.name, k)
			}
		}
		if seen != len(names) {
			t.Errorf("%s index: All yields %d names, Names %d", ix.name, seen, len(names))
		}
		for _, n := range names {
			fmt.Fprintf(&b, "%s %q:", ix.name, n)
			for _, e := range ix.x.Get(n) {
				b.WriteString(" " + filepath.Base(e.Path))
				if m.Lookup(e.Path) != e {
					t.Errorf("%s index %q holds a stale entry for %s", ix.name, n, e.Path)
				}
			}
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func TestBuildManifestDuplicatesAnyOrder(t *testing.T) {
	mk := func(file, explicit string) *Entry { return NewEntry("/app/objects/"+file, defNamed(explicit)) }
	entries := []*Entry{
		mk("counter.ts", ""),
		mk("counter.tsx", ""),       // same object name as counter.ts
		mk("chat-room.ts", ""),      // chatRoom
		mk("chatRoom.ts", ""),       // chatRoom again
		mk("ChatRoom.ts", ""),       // object ChatRoom: same class and binding as chatRoom
		mk("tally.ts", "counter"),   // explicit name clashes with counter
		mk("rate-limiter.ts", ""),   // unique
		mk("limiter.ts", "limiter"), // explicit name equal to the file's: unique
	}
	want := dumpManifest(t, BuildManifest(entries))
	rng := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		shuffled := slices.Clone(entries)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if got := dumpManifest(t, BuildManifest(shuffled)); got != want {
			t.Fatalf("manifest depends on input order:\n%s\nvs\n%s", got, want)
		}
	}
	m := BuildManifest(entries)
	dups := func(file string) []string {
		var out []string
		for _, o := range m.Duplicates(m.Lookup("/app/objects/" + file)) {
			out = append(out, filepath.Base(o.Path))
		}
		return out
	}
	for _, tc := range []struct {
		file string
		want []string
	}{
		{"counter.ts", []string{"counter.tsx", "tally.ts"}},
		{"tally.ts", []string{"counter.ts", "counter.tsx"}},
		{"chat-room.ts", []string{"ChatRoom.ts", "chatRoom.ts"}},
		{"ChatRoom.ts", []string{"chat-room.ts", "chatRoom.ts"}},
		{"rate-limiter.ts", nil},
		{"limiter.ts", nil},
	} {
		if got := dups(tc.file); !slices.Equal(got, tc.want) {
			t.Errorf("Duplicates(%s) = %q, want %q", tc.file, got, tc.want)
		}
	}
	if got := m.ByObject.Get("chatRoom"); len(got) != 2 {
		t.Errorf("ByObject[chatRoom] = %d entries, want 2", len(got))
	}
	if got := m.ByBinding.Get("CHAT_ROOM"); len(got) != 3 {
		t.Errorf("ByBinding[CHAT_ROOM] = %d entries, want 3", len(got))
	}
	if m.Lookup("/app/objects/absent.ts") != nil || (*Manifest)(nil).Lookup("x") != nil {
		t.Error("Lookup of an absent path is not nil")
	}
	// The same path twice keeps one entry.
	if got := len(BuildManifest([]*Entry{mk("a.ts", ""), mk("a.ts", "")}).Entries); got != 1 {
		t.Errorf("duplicate path kept %d entries", got)
	}
}

// TestManifestDeltaEqualsRebuild applies random With/Without edits and checks
// every step against a manifest rebuilt from scratch, and that earlier snapshots
// are never changed by later edits. It runs with the real hash and with weak
// hashes that force deep tries and full-hash collision nodes.
func TestManifestDeltaEqualsRebuild(t *testing.T) {
	hashes := map[string]func(string) uint64{
		"maphash":   hashName,
		"collide":   func(string) uint64 { return 42 },
		"two-bits":  func(s string) uint64 { return uint64(len(s)%4) << 62 },
		"low-bits":  func(s string) uint64 { return uint64(len(s)) },
		"top-heavy": func(s string) uint64 { return uint64(s[0]) << 56 },
	}
	for name, h := range hashes {
		t.Run(name, func(t *testing.T) {
			saved := hashName
			hashName = h
			defer func() { hashName = saved }()
			deltaScenario(t, rand.New(rand.NewPCG(7, uint64(len(name)))))
		})
	}
}

func deltaScenario(t *testing.T, rng *rand.Rand) {
	files := []string{"counter", "chat-room", "chatRoom", "ChatRoom", "rate-limiter", "a", "b", "c-d", "cD", "x"}
	exts := []string{".ts", ".tsx"}
	explicit := []string{"", "", "", "counter", "chat-room", "a", "zed"}
	current := map[string]*Entry{}
	m := BuildManifest(nil)
	type snap struct {
		m    *Manifest
		dump string
	}
	var snaps []snap
	for step := range 400 {
		path := "/app/objects/" + files[rng.IntN(len(files))] + exts[rng.IntN(len(exts))]
		if rng.IntN(3) == 0 {
			m = m.Without(path)
			delete(current, path)
		} else {
			e := NewEntry(path, defNamed(explicit[rng.IntN(len(explicit))]))
			m = m.With(e)
			current[path] = e
		}
		var all []*Entry
		for _, e := range current {
			all = append(all, e)
		}
		got, want := dumpManifest(t, m), dumpManifest(t, BuildManifest(all))
		if got != want {
			t.Fatalf("step %d: delta manifest differs from rebuild:\n%s\nwant:\n%s", step, got, want)
		}
		if step%25 == 0 {
			snaps = append(snaps, snap{m, got})
		}
	}
	for i, s := range snaps {
		if got := dumpManifest(t, s.m); got != s.dump {
			t.Fatalf("snapshot %d changed after later edits:\n%s\nwas:\n%s", i, got, s.dump)
		}
	}
}

func TestManifestNilAndEmpty(t *testing.T) {
	var m *Manifest
	m2 := m.With(NewEntry("/o/a.ts", nil))
	if len(m2.Entries) != 1 || m2.ByObject.Get("a") == nil {
		t.Fatalf("With on nil manifest: %+v", m2)
	}
	if m3 := m2.Without("/o/a.ts"); len(m3.Entries) != 0 || m3.ByObject.Len() != 0 || m3.ByObject.Get("a") != nil {
		t.Errorf("Without the last entry leaves %+v", m3)
	}
	if m2.Without("/o/absent.ts") != m2 {
		t.Error("Without an absent path should return the same manifest")
	}
	if m.Duplicates(&Entry{}) != nil {
		t.Error("Duplicates on nil manifest")
	}
}
