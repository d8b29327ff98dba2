// This file reads the `durableObjects` option of cloudwerk.config.* statically:
// Cloudwerk's documented way to declare hand-written Durable Object classes,
//
//	durableObjects: { CHAT_ROOM: { class: './workers/chat-room.ts', className: 'ChatRoom' } }
//
// keyed by binding name. Those classes are the user's: generate binds them but
// never writes them, and the ledger never treats them as orphans.

package analysis

import (
	"fmt"
)

// ConfigObject is one hand-written class declared in the config's durableObjects option.
type ConfigObject struct {
	Binding   string // the key: the wrangler binding name
	ClassName string // `className`: the class the worker exports
	ClassPath string // `class`: the module that defines it, as written ("" when absent)
	At        Range  // the whole entry
}

// readDurableObjects reads the durableObjects option (v is its resolved value, at
// the node to point at). A value that is not statically known marks the option
// open: any class may then be hand-written.
func (s *syntax) readDurableObjects(cfg *Config, v, at *tnode, top *topLevel) {
	v = s.unwrap(v)
	if v == nil || s.kind(v) != "object" {
		cfg.DurableObjectsOpen = true
		cfg.Issues = append(cfg.Issues, ConfigIssue{At: s.rng(at),
			Message: "durableObjects is not an object literal and cannot be read statically; hand-written classes it declares are unknown, so no binding or ledger class is reported as orphaned"})
		return
	}
	for _, prop := range s.namedChildren(v) {
		switch s.kind(prop) {
		case "pair":
			key := s.keyOf(s.field(prop, s.g.fKey))
			entry := s.resolveLocal(s.field(prop, s.g.fValue), top)
			if key.computed || key.name == "" {
				cfg.DurableObjectsOpen = true
				cfg.Issues = append(cfg.Issues, ConfigIssue{At: s.rng(prop), Message: "a computed key in durableObjects cannot be read statically; its class is unknown"})
				continue
			}
			s.readConfigObject(cfg, key.name, entry, prop, top)
		case "comment":
		default: // a spread or shorthand: entries not statically known
			cfg.DurableObjectsOpen = true
			cfg.Issues = append(cfg.Issues, ConfigIssue{At: s.rng(prop), Message: "durableObjects entries must be written as `BINDING: { class: '...', className: '...' }`; this one cannot be read statically"})
		}
	}
}

// readConfigObject reads one `BINDING: { class, className }` entry.
func (s *syntax) readConfigObject(cfg *Config, binding string, v, at *tnode, top *topLevel) {
	if v == nil || s.kind(v) != "object" {
		cfg.DurableObjectsOpen = true
		cfg.Issues = append(cfg.Issues, ConfigIssue{At: s.rng(at), Message: fmt.Sprintf("durableObjects.%s is not an object literal and cannot be read statically", binding)})
		return
	}
	o := ConfigObject{Binding: binding, At: s.rng(at)}
	for _, prop := range s.namedChildren(v) {
		if s.kind(prop) != "pair" {
			continue
		}
		key := s.keyOf(s.field(prop, s.g.fKey))
		if key.name != "class" && key.name != "className" {
			continue
		}
		value := s.resolveLocal(s.field(prop, s.g.fValue), top)
		kind, str, _ := s.classify(value)
		if kind != KindString || str == "" {
			cfg.Issues = append(cfg.Issues, ConfigIssue{At: s.rng(prop), Message: fmt.Sprintf("durableObjects.%s.%s is not a string literal and cannot be read statically", binding, key.name)})
			continue
		}
		if key.name == "class" {
			o.ClassPath = str
		} else {
			o.ClassName = str
		}
	}
	if o.ClassName == "" {
		cfg.DurableObjectsOpen = true
		cfg.Issues = append(cfg.Issues, ConfigIssue{At: s.rng(at), Message: fmt.Sprintf("durableObjects.%s has no readable className (the name of the class the worker exports); its class is unknown", binding)})
		return
	}
	cfg.DurableObjects = append(cfg.DurableObjects, o)
}
