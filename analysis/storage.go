// This file defines what a definition says about its storage. A migration
// records a class's storage forever, so "not statically known" is kept apart
// from "absent" (the runtime's KV default) and from an explicit `sqlite: false`.

package analysis

// Storage is the storage a definition asks for, as far as it is statically known.
type Storage int

const (
	StorageUnknown   Storage = iota // sqlite is not a boolean literal, or a spread may set it
	StorageSQLite                   // sqlite: true
	StorageKV                       // sqlite: false, written out
	StorageDefaultKV                // no sqlite key: the runtime's default, KV-backed
)

// String is the word list and info print: "sqlite", "kv" or "unknown".
func (s Storage) String() string {
	switch s {
	case StorageSQLite:
		return "sqlite"
	case StorageKV, StorageDefaultKV:
		return "kv"
	}
	return "unknown"
}

// Known reports whether the storage is statically known.
func (s Storage) Known() bool { return s != StorageUnknown }

// SQLite reports sqlite: true.
func (s Storage) SQLite() bool { return s == StorageSQLite }

// Storage returns the storage d declares. A definition that is not a
// defineDurableObject call with an object literal has no known storage.
func (d *Definition) Storage() Storage {
	if d == nil || d.Export != ExportDefine || !d.ConfigIsLiteral {
		return StorageUnknown
	}
	f := d.Fields["sqlite"]
	switch {
	case f == nil && d.ConfigOpen():
		return StorageUnknown
	case f == nil:
		return StorageDefaultKV
	case f.Kind != KindBool:
		return StorageUnknown
	case f.Bool:
		return StorageSQLite
	}
	return StorageKV
}

// ConfigOpen reports something not statically known directly in the config
// object (a spread): any key may then be present.
func (d *Definition) ConfigOpen() bool {
	parts := make([]Range, 0, len(d.Fields))
	for _, f := range d.Fields {
		parts = append(parts, f.At)
	}
	return d.UnknownOutside(d.ConfigAt, parts)
}

// UnknownOutside reports something not statically known inside outer but in
// none of its parts: outer's own shape (its keys) is then not known.
func (d *Definition) UnknownOutside(outer Range, parts []Range) bool {
	for _, u := range d.Unknowns {
		if !rangeContains(outer, u.At) {
			continue
		}
		inPart := false
		for _, p := range parts {
			if rangeContains(p, u.At) {
				inPart = true
				break
			}
		}
		if !inPart {
			return true
		}
	}
	return false
}

func rangeContains(outer, inner Range) bool {
	return inner.Start.Offset >= outer.Start.Offset && inner.End.Offset <= outer.End.Offset
}
