package diagnostics

import (
	"os"
	"sort"
	"testing"

	"golang.org/x/tools/txtar"
)

const fixableApp = `
-- app/objects/Chat_Room.ts --
import { defineDurableObject } from '@cloudwerk/durable-object'
export default defineDurableObject({ init() { return {} }, methods: { post() {} } })
-- app/objects/counter.ts --
import { defineDurableObject } from '@cloudwerk/durable-object'
export default defineDurableObject({
  init() { return { n: 0 } },
  methods: {
    init() { return 1 },
    'fetch'() { return 2 },
    increment() { return 3 },
  },
})
-- app/routes/route.ts --
import { durableObjects, getDurableObject } from '@cloudwerk/core/bindings'
export async function GET() {
  const stub = durableObjects.Cuonter.get(durableObjects.Counter.idFromName('x'))
  const room = getDurableObject('chatRoom')
  const s2 = durableObjects.Counter.get(durableObjects.Counter.idFromName('y'))
  return s2.incremnt()
}
`

// TestPreferredFixesResolve applies every preferred fix the way an editor would
// and checks again: the findings they address are gone and nothing new appears.
// getDurableObject('chatRoom') is unknown until the file rename fixes the name.
func TestPreferredFixesResolve(t *testing.T) {
	t.Setenv("CLOUDWERK_LSP_CACHE", "off")
	dir := t.TempDir()
	writeArchive(t, txtar.Parse([]byte(fixableApp)), dir)
	t.Chdir(dir)

	res, err := RunCheck(nil, Options{Severity: othersOff})
	if err != nil {
		t.Fatal(err)
	}
	fixed := map[Code]int{}
	edits := map[string][]TextEdit{}
	var renames []FileRename
	for _, d := range res.Diagnostics {
		for _, f := range d.Fixes {
			if !f.Preferred {
				continue
			}
			fixed[d.Code]++
			for _, e := range f.Edits {
				edits[e.Path] = append(edits[e.Path], e)
			}
			renames = append(renames, f.Renames...)
		}
	}
	want := map[Code]int{InvalidName: 1, InvalidConfig: 2, UnknownObject: 1, UnknownMethod: 1}
	for c, n := range want {
		if fixed[c] != n {
			t.Errorf("%s: %d preferred fixes, want %d (all: %+v)", c, fixed[c], n, res.Diagnostics)
		}
	}
	for path, es := range edits {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		sort.Slice(es, func(i, j int) bool { return es[i].Range.Start.Offset > es[j].Range.Start.Offset })
		for _, e := range es {
			src = append(src[:e.Range.Start.Offset:e.Range.Start.Offset], append([]byte(e.NewText), src[e.Range.End.Offset:]...)...)
		}
		if err := os.WriteFile(path, src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range renames {
		if err := os.Rename(r.From, r.To); err != nil {
			t.Fatal(err)
		}
	}

	again, err := RunCheck(nil, Options{Severity: othersOff})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range again.Diagnostics {
		t.Errorf("left after fixing: %s:%d: %s %s", d.Path, d.Range.Start.Line+1, d.Code, d.Message)
	}
}
