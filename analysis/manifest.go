// This file defines the manifest: entries with the names the convention derives,
// the name -> entries indexes behind DUPLICATE_NAME, and cheap persistent deltas
// (With / Without) for the language server.
//
// Why persistent indexes: cloning a Go map of 10,000 names costs about 2 ms (measured
// with maps.Clone on this machine class), three of them per keystroke would dwarf the
// 100 µs edit budget. NameIndex is a hash array mapped trie: an update copies only the
// O(log32 n) nodes on the path to the touched key and shares everything else, so old
// snapshots stay valid and readers never lock. The one linear term left is the copy
// of the sorted Entries slice (n pointers: an 80 KB memmove at 10,000 objects);
// making Entries persistent too would mean an accessor instead of the field.

package analysis

import (
	"cmp"
	"hash/maphash"
	"iter"
	"math/bits"
	"slices"
	"strings"
)

// NewEntry derives the names of one object file. The object name comes from the
// file name, or from an explicit `name: '...'` string literal in the config when
// that name passes the runtime's pattern (an invalid one throws at load time and is
// reported as INVALID_CONFIG; deriving from the file avoids a cascade of name errors).
func NewEntry(path string, def *Definition) *Entry {
	e := &Entry{Path: path, FileName: ObjectFileBase(path), Def: def}
	name := FileNameToObjectName(e.FileName)
	if def != nil {
		if f := def.Fields["name"]; f != nil && f.Kind == KindString && ValidRuntimeName(f.Str) {
			name = FileNameToObjectName(f.Str)
			e.NameFromConfig = true
		}
	}
	e.ObjectName = name
	e.ClassName = ObjectNameToClassName(name)
	e.BindingName = ObjectNameToBindingName(name)
	return e
}

// BuildManifest indexes entries (built with NewEntry). The result does not depend
// on the order of the input; the input slice is not modified.
func BuildManifest(entries []*Entry) *Manifest {
	sorted := slices.Clone(entries)
	slices.SortFunc(sorted, func(a, b *Entry) int { return strings.Compare(a.Path, b.Path) })
	sorted = slices.CompactFunc(sorted, func(a, b *Entry) bool { return a.Path == b.Path })
	m := &Manifest{Entries: sorted}
	m.ByObject = buildNameIndex(sorted, func(e *Entry) string { return e.ObjectName })
	m.ByClass = buildNameIndex(sorted, func(e *Entry) string { return e.ClassName })
	m.ByBinding = buildNameIndex(sorted, func(e *Entry) string { return e.BindingName })
	return m
}

// Lookup returns the entry for path, or nil.
func (m *Manifest) Lookup(path string) *Entry {
	if m == nil {
		return nil
	}
	if i, ok := m.find(path); ok {
		return m.Entries[i]
	}
	return nil
}

func (m *Manifest) find(path string) (int, bool) {
	return slices.BinarySearchFunc(m.Entries, path, func(e *Entry, p string) int { return strings.Compare(e.Path, p) })
}

// With returns a manifest where e replaces the entry with the same path (or is
// added). m is unchanged; the result shares every index node it did not touch.
func (m *Manifest) With(e *Entry) *Manifest {
	if m == nil {
		m = &Manifest{}
	}
	i, found := m.find(e.Path)
	var old *Entry
	next := &Manifest{ByObject: m.ByObject, ByClass: m.ByClass, ByBinding: m.ByBinding}
	if found {
		old = m.Entries[i]
		next.Entries = slices.Clone(m.Entries)
		next.Entries[i] = e
	} else {
		next.Entries = make([]*Entry, 0, len(m.Entries)+1)
		next.Entries = append(append(append(next.Entries, m.Entries[:i]...), e), m.Entries[i:]...)
	}
	next.ByObject = next.ByObject.replace(old, e, func(e *Entry) string { return e.ObjectName })
	next.ByClass = next.ByClass.replace(old, e, func(e *Entry) string { return e.ClassName })
	next.ByBinding = next.ByBinding.replace(old, e, func(e *Entry) string { return e.BindingName })
	return next
}

// Without returns a manifest without the entry for path (m itself when there is none).
func (m *Manifest) Without(path string) *Manifest {
	if m == nil {
		return &Manifest{}
	}
	i, found := m.find(path)
	if !found {
		return m
	}
	old := m.Entries[i]
	next := &Manifest{Entries: slices.Delete(slices.Clone(m.Entries), i, i+1)}
	next.ByObject = m.ByObject.remove(old.ObjectName, path)
	next.ByClass = m.ByClass.remove(old.ClassName, path)
	next.ByBinding = m.ByBinding.remove(old.BindingName, path)
	return next
}

// Duplicates returns the other entries that share e's object, class or binding
// name (DUPLICATE_NAME), sorted by path; nil when e's names are unique.
func (m *Manifest) Duplicates(e *Entry) []*Entry {
	if m == nil {
		return nil
	}
	var out []*Entry
	for _, group := range [][]*Entry{m.ByObject.Get(e.ObjectName), m.ByClass.Get(e.ClassName), m.ByBinding.Get(e.BindingName)} {
		if len(group) < 2 {
			continue
		}
		for _, o := range group {
			if o.Path != e.Path && !slices.ContainsFunc(out, func(x *Entry) bool { return x.Path == o.Path }) {
				out = append(out, o)
			}
		}
	}
	slices.SortFunc(out, func(a, b *Entry) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// NameIndex maps a name to the entries that carry it, sorted by path; more than one
// entry under a name is a duplicate. The zero value is empty and ready to use.
// Values are immutable: updates return a new index sharing untouched structure.
type NameIndex struct {
	root *hamtNode
	size int
}

// Get returns the entries named name (sorted by path), or nil. The slice must not be modified.
func (x NameIndex) Get(name string) []*Entry {
	n, h := x.root, hashName(name)
	for shift := uint(0); n != nil; shift += hamtBits {
		if shift > hamtMaxShift {
			for _, s := range n.slots {
				if s.key == name {
					return s.val
				}
			}
			return nil
		}
		bit := uint32(1) << chunk(h, shift)
		if n.bitmap&bit == 0 {
			return nil
		}
		s := &n.slots[bits.OnesCount32(n.bitmap&(bit-1))]
		if s.sub == nil {
			if s.key == name {
				return s.val
			}
			return nil
		}
		n = s.sub
	}
	return nil
}

// Len is the number of distinct names.
func (x NameIndex) Len() int { return x.size }

// All yields every name with its entries, in no particular order.
func (x NameIndex) All() iter.Seq2[string, []*Entry] {
	return func(yield func(string, []*Entry) bool) {
		if x.root != nil {
			x.root.each(yield)
		}
	}
}

// Names returns every name, sorted.
func (x NameIndex) Names() []string {
	out := make([]string, 0, x.size)
	for k := range x.All() {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// replace returns the index with old (which may be nil) replaced by e, both
// filed under nameOf. The common edit keeps the name: one update, not two.
func (x NameIndex) replace(old, e *Entry, nameOf func(*Entry) string) NameIndex {
	name := nameOf(e)
	if old != nil && nameOf(old) != name {
		x = x.remove(nameOf(old), old.Path)
	}
	return x.add(name, e) // add swaps an entry with e's path in place
}

// add returns the index with e added under name (replacing an entry with e's path).
func (x NameIndex) add(name string, e *Entry) NameIndex {
	cur := x.Get(name)
	i, found := slices.BinarySearchFunc(cur, e.Path, func(o *Entry, p string) int { return strings.Compare(o.Path, p) })
	var val []*Entry
	if found {
		val = slices.Clone(cur)
		val[i] = e
	} else {
		val = make([]*Entry, 0, len(cur)+1)
		val = append(append(append(val, cur[:i]...), e), cur[i:]...)
	}
	root, added := x.root.set(0, hashName(name), name, val)
	if added {
		x.size++
	}
	return NameIndex{root, x.size}
}

// remove returns the index without the entry for path under name.
func (x NameIndex) remove(name, path string) NameIndex {
	cur := x.Get(name)
	i, found := slices.BinarySearchFunc(cur, path, func(o *Entry, p string) int { return strings.Compare(o.Path, p) })
	if !found {
		return x
	}
	if len(cur) == 1 {
		root, _ := x.root.del(0, hashName(name), name)
		return NameIndex{root, x.size - 1}
	}
	val := slices.Delete(slices.Clone(cur), i, i+1)
	root, _ := x.root.set(0, hashName(name), name, val)
	return NameIndex{root, x.size}
}

// buildNameIndex builds an index in one pass: group, sort by hash, then lay the
// trie out bottom-up without any intermediate copies.
func buildNameIndex(sorted []*Entry, nameOf func(*Entry) string) NameIndex {
	groups := make(map[string][]*Entry, len(sorted))
	for _, e := range sorted {
		n := nameOf(e)
		groups[n] = append(groups[n], e)
	}
	items := make([]hamtSlot, 0, len(groups))
	for k, v := range groups {
		items = append(items, hamtSlot{hash: hashName(k), key: k, val: v})
	}
	slices.SortFunc(items, func(a, b hamtSlot) int {
		return cmp.Or(cmp.Compare(a.hash, b.hash), strings.Compare(a.key, b.key))
	})
	if len(items) == 0 {
		return NameIndex{}
	}
	return NameIndex{buildHamt(items, 0), len(items)}
}

// The trie consumes the hash 5 bits at a time from the top, so a list sorted by hash
// is grouped by every level's chunk (which is what buildHamt relies on). Past the
// 60th bit, keys with equal hashes share a collision node searched linearly.
const (
	hamtBits     = 5
	hamtMaxShift = 55
)

var nameSeed = maphash.MakeSeed()

// hashName is a variable so tests can force collisions and deep tries.
var hashName = func(s string) uint64 { return maphash.String(nameSeed, s) }

func chunk(h uint64, shift uint) uint { return uint(h>>(64-hamtBits-shift)) & (1<<hamtBits - 1) }

type hamtNode struct {
	bitmap uint32     // which chunks are present (unused in collision nodes)
	slots  []hamtSlot // one per set bit, in chunk order
}

// hamtSlot is a leaf (sub == nil) or a pointer to a deeper node.
type hamtSlot struct {
	hash uint64
	key  string
	val  []*Entry
	sub  *hamtNode
}

func buildHamt(items []hamtSlot, shift uint) *hamtNode {
	if shift > hamtMaxShift {
		return &hamtNode{slots: slices.Clone(items)}
	}
	n := &hamtNode{}
	for i := 0; i < len(items); {
		c := chunk(items[i].hash, shift)
		j := i + 1
		for j < len(items) && chunk(items[j].hash, shift) == c {
			j++
		}
		n.bitmap |= 1 << c
		if j-i == 1 {
			n.slots = append(n.slots, items[i])
		} else {
			n.slots = append(n.slots, hamtSlot{sub: buildHamt(items[i:j], shift+hamtBits)})
		}
		i = j
	}
	return n
}

// set returns a copy of n (which may be nil) with key bound to val; added reports a new key.
func (n *hamtNode) set(shift uint, h uint64, key string, val []*Entry) (_ *hamtNode, added bool) {
	leaf := hamtSlot{hash: h, key: key, val: val}
	if n == nil {
		if shift > hamtMaxShift {
			return &hamtNode{slots: []hamtSlot{leaf}}, true
		}
		return &hamtNode{bitmap: 1 << chunk(h, shift), slots: []hamtSlot{leaf}}, true
	}
	if shift > hamtMaxShift {
		for i, s := range n.slots {
			if s.key == key {
				c := &hamtNode{slots: slices.Clone(n.slots)}
				c.slots[i] = leaf
				return c, false
			}
		}
		return &hamtNode{slots: append(slices.Clip(n.slots), leaf)}, true
	}
	bit := uint32(1) << chunk(h, shift)
	pos := bits.OnesCount32(n.bitmap & (bit - 1))
	if n.bitmap&bit == 0 {
		c := &hamtNode{bitmap: n.bitmap | bit, slots: make([]hamtSlot, 0, len(n.slots)+1)}
		c.slots = append(append(append(c.slots, n.slots[:pos]...), leaf), n.slots[pos:]...)
		return c, true
	}
	c := &hamtNode{bitmap: n.bitmap, slots: slices.Clone(n.slots)}
	s := n.slots[pos]
	switch {
	case s.sub != nil:
		c.slots[pos].sub, added = s.sub.set(shift+hamtBits, h, key, val)
	case s.key == key:
		c.slots[pos] = leaf
	default:
		// Two keys share this chunk: push both one level down.
		sub, _ := (*hamtNode)(nil).set(shift+hamtBits, s.hash, s.key, s.val)
		sub, _ = sub.set(shift+hamtBits, h, key, val)
		c.slots[pos] = hamtSlot{sub: sub}
		added = true
	}
	return c, added
}

// del returns a copy of n without key (nil when it becomes empty).
func (n *hamtNode) del(shift uint, h uint64, key string) (_ *hamtNode, removed bool) {
	if n == nil {
		return nil, false
	}
	if shift > hamtMaxShift {
		for i, s := range n.slots {
			if s.key == key {
				if len(n.slots) == 1 {
					return nil, true
				}
				return &hamtNode{slots: slices.Delete(slices.Clone(n.slots), i, i+1)}, true
			}
		}
		return n, false
	}
	bit := uint32(1) << chunk(h, shift)
	if n.bitmap&bit == 0 {
		return n, false
	}
	pos := bits.OnesCount32(n.bitmap & (bit - 1))
	s := n.slots[pos]
	var replacement *hamtSlot
	if s.sub != nil {
		sub, ok := s.sub.del(shift+hamtBits, h, key)
		if !ok {
			return n, false
		}
		if sub != nil {
			r := hamtSlot{sub: sub}
			if len(sub.slots) == 1 && sub.slots[0].sub == nil {
				r = sub.slots[0] // a lone leaf moves back up
			}
			replacement = &r
		}
	} else if s.key != key {
		return n, false
	}
	if replacement != nil {
		c := &hamtNode{bitmap: n.bitmap, slots: slices.Clone(n.slots)}
		c.slots[pos] = *replacement
		return c, true
	}
	if len(n.slots) == 1 {
		return nil, true
	}
	return &hamtNode{bitmap: n.bitmap &^ bit, slots: slices.Delete(slices.Clone(n.slots), pos, pos+1)}, true
}

func (n *hamtNode) each(yield func(string, []*Entry) bool) bool {
	for _, s := range n.slots {
		if s.sub != nil {
			if !s.sub.each(yield) {
				return false
			}
		} else if !yield(s.key, s.val) {
			return false
		}
	}
	return true
}
