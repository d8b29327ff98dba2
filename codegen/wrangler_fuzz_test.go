package codegen

import (
	"reflect"
	"testing"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/wrangler"
)

var fuzzObjects = []ManagedObject{
	{Class: "Counter", Binding: "COUNTER", SQLite: true},
	{Class: "ChatRoom", Binding: "CHAT_ROOM", SQLite: false},
}

func FuzzTOMLEdit(f *testing.F) {
	f.Add([]byte("name = \"x\"\n[[durable_objects.bindings]]\nname = \"COUNTER\"\nclass_name = \"Counter\"\n[[migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [\"Counter\"]\n"))
	f.Add([]byte("durable_objects = { bindings = [] }\nmigrations = []\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkEditPreserves(t, "wrangler.toml", data) })
}

func FuzzJSONCEdit(f *testing.F) {
	f.Add([]byte("{\n  // c\n  \"name\": \"x\",\n  \"migrations\": [{ \"tag\": \"v1\", \"new_classes\": [\"A\"] },],\n}\n"))
	f.Add([]byte(`{"durable_objects": {"bindings": [{"name": "COUNTER", "class_name": "Old"}]}, "env": {"a": {"durable_objects": {}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) { checkEditPreserves(t, "wrangler.jsonc", data) })
}

// checkEditPreserves edits any input that parses and checks that the output parses
// and that everything outside the managed keys decodes the same.
func checkEditPreserves(t *testing.T, name string, data []byte) {
	if len(data) > 1<<16 {
		return
	}
	before := wrangler.Parse(name, data)
	if before.ParseError != nil {
		return
	}
	plan, err := EditWrangler(name, data, fuzzObjects, Options{})
	if err != nil {
		return // refused (wrong shape, invalid ledger, unsupported layout): nothing is written
	}
	after := wrangler.Parse(name, plan.New)
	if !after.Parsed() {
		t.Fatalf("edited file does not parse: %+v %+v\n--- in\n%s\n--- out\n%s", after.ParseError, after.ShapeErrors, data, plan.New)
	}
	a, b := unmanaged(before.Doc.Root), unmanaged(after.Doc.Root)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("unmanaged content changed:\n%#v\n%#v\n--- in\n%s\n--- out\n%s", a, b, data, plan.New)
	}
	again, err := EditWrangler(name, plan.New, fuzzObjects, Options{})
	if err != nil {
		t.Fatalf("second run refused: %v\n%s", err, plan.New)
	}
	if string(again.New) != string(plan.New) {
		t.Fatalf("second run changed the file:\n--- first\n%s\n--- second\n%s", plan.New, again.New)
	}
}

// unmanaged returns a copy of root without the keys generate manages.
func unmanaged(root map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range root {
		out[k] = v
	}
	delete(out, "migrations")
	delete(out, "exports")
	stripBindings(out)
	if envs, ok := out["env"].(map[string]any); ok {
		ne := map[string]any{}
		for name, env := range envs {
			if em, ok := env.(map[string]any); ok {
				c := map[string]any{}
				for k, v := range em {
					c[k] = v
				}
				stripBindings(c)
				ne[name] = c
			} else {
				ne[name] = env
			}
		}
		out["env"] = ne
	}
	return out
}

func stripBindings(m map[string]any) {
	do, ok := m["durable_objects"].(map[string]any)
	if !ok {
		return
	}
	c := map[string]any{}
	for k, v := range do {
		if k != "bindings" {
			c[k] = v
		}
	}
	if len(c) == 0 {
		delete(m, "durable_objects")
		return
	}
	m["durable_objects"] = c
}
