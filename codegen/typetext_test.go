package codegen

import "testing"

func TestResolveTypeText(t *testing.T) {
	scope := typeScope{importPath: "../../app/objects/x", exported: map[string]bool{"Item": true, "Mode": true}}
	const item = "import('../../app/objects/x').Item"
	tests := []struct {
		in, want string
	}{
		{"number", "number"},
		{"string[]", "string[]"},
		{"Item", item},
		{"Item[]", item + "[]"},
		{"Array<Item>", "Array<" + item + ">"},
		{"Record<string, Item>", "Record<string, " + item + ">"},
		{"Promise<Item | null>", "Promise<" + item + " | null>"},
		{"{ id: string; item?: Item }", "{ id: string; item?: " + item + " }"},
		{"{\n  id: string\n  n: number\n}", "{ id: string; n: number }"},
		{"{\n  id: string;\n  n?: Item\n}", "{ id: string; n?: " + item + " }"},
		{"T extends string ? A : B", "unknown"},
		{"'asc' | 'desc'", "'asc' | 'desc'"},
		{"\"a\" | `b`", "\"a\" | `b`"},
		{"[first: number, second?: Mode]", "[first: number, second?: import('../../app/objects/x').Mode]"},
		{"(x: number) => void", "(x: number) => void"},
		{"readonly Item[]", "readonly " + item + "[]"},
		{"keyof Item", "keyof " + item},
		{"Item['id']", item + "['id']"},
		{"-1 | 0 | 1", "-1 | 0 | 1"},
		{"number /* count */", "number"},
		{"number // count", "number"},
		// Not referable from a generated file: the whole type becomes unknown.
		{"Local", "unknown"},
		{"Array<Local>", "unknown"},
		{"typeof value", "unknown"},
		{"import('./other').T", "unknown"},
		{"T extends string ? A : B", "unknown"},
		{"`id-${string}`", "unknown"},
		{"ns.Type", "unknown"},
		{"'unterminated", "unknown"},
		{"", "unknown"},
		{"   ", "unknown"},
		{"number / 2", "unknown"},
		{"`a\nb`", "unknown"},
		{"@decorated", "unknown"},
	}
	for _, tt := range tests {
		if got := scope.resolve(tt.in); got != tt.want {
			t.Errorf("resolve(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRelImport(t *testing.T) {
	tests := []struct{ dir, target, want string }{
		{"/r/.cloudwerk/types", "/r/app/objects/counter.ts", "../../app/objects/counter"},
		{"/r/.cloudwerk/generated/objects", "/r/app/objects/chat-room.tsx", "../../../app/objects/chat-room"},
		{"/r", "/r/worker.ts", "./worker"},
	}
	for _, tt := range tests {
		if got := relImport(tt.dir, tt.target); got != tt.want {
			t.Errorf("relImport(%q, %q) = %q, want %q", tt.dir, tt.target, got, tt.want)
		}
	}
}
