// Package benchapp writes the generated apps the benchmarks run on:
// N copies of a typical object file of about 1.4 KB, and one object with many
// methods for the per-edit figures.
package benchapp

import (
	"bufio"
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

//go:embed object.ts.tmpl
var objectTemplate string

// Name is the object name of the i-th generated object ("obj12": valid, unique).
func Name(i int) string { return fmt.Sprintf("obj%d", i) }

// Object is the source of the i-th generated object file (about 1.4 KB): a
// state type, sqlite, init, four typed methods and an alarm.
func Object(i int) []byte { return fmt.Appendf(nil, objectTemplate, Name(i), i) }

// ManyMethods is an object file with n RPC methods (n = 190 is about 20 KB),
// each with two accesses to the object's context (380 for 190: under the 500 a
// file records, past which an edit is extracted in full). Method k's body
// holds the text EditMarker(k), whose last byte is a digit a benchmark can
// toggle.
func ManyMethods(n int) []byte {
	var b strings.Builder
	b.WriteString("import { defineDurableObject } from '@cloudwerk/durable-object'\n\n")
	b.WriteString("interface State { total: number; names: string[] }\n\n")
	b.WriteString("export default defineDurableObject<State>({\n  sqlite: true,\n\n")
	b.WriteString("  init() {\n    return { total: 0, names: [] }\n  },\n\n  methods: {\n")
	for k := range n {
		fmt.Fprintf(&b, "    async method%d(by: number, name?: string): Promise<number> {\n", k)
		fmt.Fprintf(&b, "      %s\n", EditMarker(k))
		b.WriteString("      if (name) this.state.names.push(name)\n")
		b.WriteString("      return by\n    },\n\n")
	}
	b.WriteString("  },\n})\n")
	return []byte(b.String())
}

// EditMarker is a statement of method k in ManyMethods ending in the digit 0.
func EditMarker(k int) string { return fmt.Sprintf("this.state.total += by * %d + 0", k) }

// RSSKB is the resident set of process pid ("self" for this one) in KiB, read
// from /proc/<pid>/status; 0 where that is unavailable.
func RSSKB(pid string) int64 {
	f, err := os.Open("/proc/" + pid + "/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb
		}
	}
	return 0
}

// WriteObjects writes n object files (Object(0..n-1)) into root/app/objects,
// with an empty cloudwerk.config.ts at root.
func WriteObjects(root string, n int) error {
	dir := filepath.Join(root, "app", "objects")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(root, "cloudwerk.config.ts"), []byte("export default {}\n"), 0o644); err != nil {
		return err
	}
	for i := range n {
		if err := os.WriteFile(filepath.Join(dir, Name(i)+".ts"), Object(i), 0o644); err != nil {
			return err
		}
	}
	return nil
}
