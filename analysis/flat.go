// This file defines the flat copy of a syntax tree the extractors read: one C
// call copies every node of a subtree (kind, byte range, field, flags, parent,
// subtree end) into a Go slice in preorder, so extraction then runs in Go
// without a cgo call (and a heap-allocated go-tree-sitter node) per step.

package analysis

/*
#include <stdint.h>
#include <stdbool.h>

// Tree-sitter's node and cursor layouts and the functions the copy needs,
// declared here (as in parser.go) so no include path into the module cache is
// needed; the symbols come from go-tree-sitter's C objects.
typedef struct { uint32_t context[4]; const void *id; const void *tree; } cw_tsnode;
typedef struct { const void *tree; const void *id; uint32_t context[3]; } cw_tscursor;
extern cw_tscursor ts_tree_cursor_new(cw_tsnode);
extern void ts_tree_cursor_delete(cw_tscursor *);
extern cw_tsnode ts_tree_cursor_current_node(const cw_tscursor *);
extern uint16_t ts_tree_cursor_current_field_id(const cw_tscursor *);
extern bool ts_tree_cursor_goto_first_child(cw_tscursor *);
extern bool ts_tree_cursor_goto_next_sibling(cw_tscursor *);
extern bool ts_tree_cursor_goto_parent(cw_tscursor *);
extern uint16_t ts_node_symbol(cw_tsnode);
extern uint32_t ts_node_start_byte(cw_tsnode);
extern uint32_t ts_node_end_byte(cw_tsnode);
extern bool ts_node_is_named(cw_tsnode);
extern bool ts_node_is_missing(cw_tsnode);
extern bool ts_node_is_extra(cw_tsnode);
extern bool ts_node_has_error(cw_tsnode);
extern uint32_t ts_node_child_count(cw_tsnode);
extern uint32_t ts_node_descendant_count(cw_tsnode);

// cw_flat is one copied node; tnode in Go has the same layout.
typedef struct {
	uint32_t start, end; // byte range
	int32_t parent;      // index of the parent, -1 for the copy's root
	uint32_t next;       // index just past this node's subtree
	uint16_t sym, field; // kind id; field id in the parent (0 for none)
	uint8_t flags;       // cwNamed ...
	uint8_t depth;       // levels below the last node outside the pruned span (capped)
	uint8_t pad[2];
} cw_flat;

enum { CW_NAMED = 1, CW_MISSING = 2, CW_EXTRA = 4, CW_HAS_ERROR = 8, CW_PRUNED = 16 };

static uint32_t cw_descendants(cw_tsnode n) { return ts_node_descendant_count(n); }

// cw_flatten copies the subtree at root into out in preorder and returns how
// many nodes it wrote, or cap+1 when out is too small. Inside [plo, phi),
// nodes that do not touch [klo, khi) are copied only two levels deep (the
// rest is marked CW_PRUNED): an incremental extraction reads the edited unit
// in full and of the rest of the config only its keys. plo > phi copies all.
// One iterative cursor walk: hostile nesting cannot exhaust the C stack.
static uint32_t cw_flatten(cw_tsnode root, cw_flat *out, uint32_t cap,
		uint32_t plo, uint32_t phi, uint32_t klo, uint32_t khi) {
	cw_tscursor c = ts_tree_cursor_new(root);
	uint32_t n = 0;
	int32_t parent = -1;
	for (;;) {
		if (n == cap) {
			ts_tree_cursor_delete(&c);
			return cap + 1;
		}
		cw_tsnode x = ts_tree_cursor_current_node(&c);
		cw_flat *f = &out[n];
		f->start = ts_node_start_byte(x);
		f->end = ts_node_end_byte(x);
		f->parent = parent;
		f->next = n + 1;
		f->sym = ts_node_symbol(x);
		f->field = ts_tree_cursor_current_field_id(&c);
		f->flags = (ts_node_is_named(x) ? CW_NAMED : 0) | (ts_node_is_missing(x) ? CW_MISSING : 0) |
			(ts_node_is_extra(x) ? CW_EXTRA : 0) | (ts_node_has_error(x) ? CW_HAS_ERROR : 0);
		f->depth = 0;
		f->pad[0] = f->pad[1] = 0;
		if (f->start >= plo && f->end <= phi && !(f->start <= khi && f->end >= klo)) {
			uint8_t d = parent < 0 ? 0 : out[parent].depth;
			f->depth = d == 255 ? d : d + 1;
		}
		uint32_t self = n++;
		if (f->depth <= 2) {
			if (ts_tree_cursor_goto_first_child(&c)) {
				parent = (int32_t)self;
				continue;
			}
		} else if (ts_node_child_count(x) > 0) {
			f->flags |= CW_PRUNED;
		}
		for (;;) {
			if (parent < 0) {
				ts_tree_cursor_delete(&c);
				return n;
			}
			if (ts_tree_cursor_goto_next_sibling(&c)) break;
			ts_tree_cursor_goto_parent(&c);
			out[parent].next = n;
			parent = out[parent].parent;
		}
	}
}
*/
import "C"

import (
	"sync"
	"unsafe"

	sitter "github.com/tree-sitter/go-tree-sitter"
)

// tnode is one node of a flat tree (the layout of cw_flat above). Extractors
// hold *tnode pointers into their syntax's slice; nil is "no node".
type tnode struct {
	start, end uint32
	parent     int32
	next       uint32
	sym, field uint16
	flags      uint8
	depth      uint8
	_          [2]uint8
}

const (
	fNamed    = C.CW_NAMED
	fMissing  = C.CW_MISSING
	fExtra    = C.CW_EXTRA
	fHasError = C.CW_HAS_ERROR
	fPruned   = C.CW_PRUNED

	// symError is tree-sitter's ERROR symbol.
	symError = 0xFFFF
)

var _ = [1]struct{}{}[unsafe.Sizeof(tnode{})-unsafe.Sizeof(C.cw_flat{})]

// Nodes cross from go-tree-sitter to the copy as raw tree-sitter nodes; the two
// layouts must agree.
var _ = [1]struct{}{}[unsafe.Sizeof(sitter.Node{})-unsafe.Sizeof(C.cw_tsnode{})]

func (n *tnode) named() bool    { return n.flags&fNamed != 0 }
func (n *tnode) missing() bool  { return n.flags&fMissing != 0 }
func (n *tnode) hasError() bool { return n.flags&fHasError != 0 }
func (n *tnode) isError() bool  { return n.sym == symError }

// flatPool recycles node slices between files (most are a few hundred nodes).
var flatPool = sync.Pool{New: func() any { return new([]tnode) }}

// maxPooledNodes bounds the slices kept for reuse (a hostile file's copy is dropped).
const maxPooledNodes = 1 << 16

// noPrune is the pruned span of a full copy (empty: start above end).
var noPrune = [2]uint32{1, 0}

// flatten copies the subtree at n into a pooled slice; release returns it to
// the pool. prune and keep are cw_flatten's spans.
func flatten(n *sitter.Node, prune, keep [2]uint32) (nodes []tnode, release func()) {
	raw := *(*C.cw_tsnode)(unsafe.Pointer(n))
	p := flatPool.Get().(*[]tnode)
	buf := *p
	if want := int(C.cw_descendants(raw)); cap(buf) < want {
		buf = make([]tnode, want)
	}
	buf = buf[:cap(buf)]
	for {
		got := int(C.cw_flatten(raw, (*C.cw_flat)(unsafe.Pointer(unsafe.SliceData(buf))), C.uint32_t(len(buf)),
			C.uint32_t(prune[0]), C.uint32_t(prune[1]), C.uint32_t(keep[0]), C.uint32_t(keep[1])))
		if got <= len(buf) {
			nodes = buf[:got]
			break
		}
		buf = make([]tnode, 2*len(buf)+16)
	}
	return nodes, func() {
		if cap(buf) <= maxPooledNodes {
			*p = buf
			flatPool.Put(p)
		}
	}
}
