// This file replays the [[migrations]] ledger the way wrangler does
// (src/dev/class-names-sqlite.ts): per entry, deleted_classes, then renamed_classes,
// then new_classes, then new_sqlite_classes; the result is the set of live classes
// with their storage and the tag that created them.

package wrangler

import (
	"fmt"
	"sort"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/textpos"
)

// LiveClass is a class alive after the ledger replays.
type LiveClass struct {
	Name      string
	SQLite    bool          // created by new_sqlite_classes (else KV-backed)
	CreatedBy string        // tag of the migration that created it (the rename target keeps the creator's tag)
	Migration int           // index of the migration that created or last renamed it
	At        textpos.Range // where the class got its current name (the new_* or renamed_classes entry)
}

// LedgerError is an entry that does not replay (LEDGER_INVALID).
type LedgerError struct {
	Migration int
	At        textpos.Range
	Message   string // wrangler's own wording where wrangler has one
}

// Ledger is the replayed migration history.
type Ledger struct {
	Live   map[string]*LiveClass
	Tags   map[string]int // tag -> index of its first migration
	Errors []LedgerError
	// Gone are classes deleted or renamed away by some migration and not alive now.
	Gone map[string]bool
}

// LiveNames returns the live class names, sorted.
func (l *Ledger) LiveNames() []string {
	out := make([]string, 0, len(l.Live))
	for n := range l.Live {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Replay replays migrations in order. Unlike wrangler, which stops at the
// first error, it skips the failing operation and goes on, so every problem is reported.
func Replay(migs []Migration) *Ledger {
	l := &Ledger{Live: map[string]*LiveClass{}, Tags: map[string]int{}, Gone: map[string]bool{}}
	for _, m := range migs {
		if first, dup := l.Tags[m.Tag]; dup && m.Tag != "" {
			l.Errors = append(l.Errors, LedgerError{Migration: m.Index, At: m.TagAt,
				Message: fmt.Sprintf("Duplicate migration tag %q (already used by migrations[%d])", m.Tag, first)})
		} else if m.Tag != "" {
			l.Tags[m.Tag] = m.Index
		}
		for _, c := range m.DeletedClasses {
			if _, ok := l.Live[c.Name]; !ok {
				l.fail(m, c.At, "Cannot apply deleted_classes migration to non-existent class "+c.Name)
				continue
			}
			delete(l.Live, c.Name)
			l.Gone[c.Name] = true
		}
		for _, r := range m.RenamedClasses {
			lc, ok := l.Live[r.From]
			if !ok {
				l.fail(m, r.At, "Cannot apply renamed_classes migration to non-existent class "+r.From)
				continue
			}
			delete(l.Live, r.From)
			l.Gone[r.From] = true
			l.Live[r.To] = &LiveClass{Name: r.To, SQLite: lc.SQLite, CreatedBy: lc.CreatedBy, Migration: m.Index, At: r.At}
			delete(l.Gone, r.To)
		}
		l.create(m, m.NewClasses, false, "new_classes")
		l.create(m, m.NewSqliteClasses, true, "new_sqlite_classes")
	}
	return l
}

func (l *Ledger) create(m Migration, classes []ClassRef, sqlite bool, kind string) {
	for _, c := range classes {
		if _, ok := l.Live[c.Name]; ok {
			l.fail(m, c.At, fmt.Sprintf("Cannot apply %s migration to existing class %s", kind, c.Name))
			continue
		}
		l.Live[c.Name] = &LiveClass{Name: c.Name, SQLite: sqlite, CreatedBy: m.Tag, Migration: m.Index, At: c.At}
		delete(l.Gone, c.Name)
	}
}

func (l *Ledger) fail(m Migration, at textpos.Range, msg string) {
	l.Errors = append(l.Errors, LedgerError{Migration: m.Index, At: at, Message: fmt.Sprintf("migrations[%d] (tag %q): %s", m.Index, m.Tag, msg)})
}
