// Package testutil holds what the packages' tests share: the -update flag that
// rewrites golden files, writers for fixture trees, and the demo fixture (a
// counter object with its wrangler.toml). Only tests import it; it imports no
// package of this module.
package testutil

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite golden files instead of comparing with them")

// Update reports whether the test run was given -update.
func Update() bool { return *update }

// WriteFile writes data to the slash-separated path rel below dir, creating folders.
func WriteFile(t testing.TB, dir, rel string, data []byte) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// WriteFiles writes files (slash-separated path -> content) below dir.
func WriteFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		WriteFile(t, dir, rel, []byte(content))
	}
}

// WriteArchive writes the files of a txtar archive below dir, except those skip
// reports (skip may be nil).
func WriteArchive(t testing.TB, dir string, ar *txtar.Archive, skip func(name string) bool) {
	t.Helper()
	for _, f := range ar.Files {
		if skip == nil || !skip(f.Name) {
			WriteFile(t, dir, f.Name, f.Data)
		}
	}
}

// CounterWrangler is the demo app's wrangler.toml for one SQLite-backed counter:
// the COUNTER binding to class Counter and the migration that created it.
const CounterWrangler = `name = "demo"
main = "worker.ts"
compatibility_date = "2025-06-01"

[[durable_objects.bindings]]
name = "COUNTER"
class_name = "Counter"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["Counter"]
`

// EachArchive runs f as a subtest, named after the file, for every txtar archive
// matching pattern; it fails when none matches.
func EachArchive(t *testing.T, pattern string, f func(t *testing.T, file string, ar *txtar.Archive)) {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures match %s (%v)", pattern, err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			f(t, file, ar)
		})
	}
}
