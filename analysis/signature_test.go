package analysis

import "testing"

func TestMethodSignature(t *testing.T) {
	for _, tc := range []struct {
		m    Method
		want string
	}{
		{Method{Name: "inc", Form: FormMethod, Async: true, ReturnType: "Promise<number>",
			Params: []Param{{Name: "by", Default: "1", DefaultKin: KindNumber}}}, "inc(by?: number): Promise<number>"},
		{Method{Name: "set", Form: FormArrow,
			Params: []Param{{Name: "a", Optional: true, Type: "string"}, {Name: "b", Type: "Item"}}}, "set(a: (string) | undefined, b: Item): unknown"},
		{Method{Name: "pick", Form: FormFunction, Async: true,
			Params: []Param{{Name: "{ x }"}, {Name: "x", Type: "number"}, {Name: "x"}}}, "pick(arg0: unknown, x: number, arg2: unknown): Promise<unknown>"},
		{Method{Name: "log", Form: FormMethod, Params: []Param{{Name: "parts", Rest: true}, {Name: "after"}}}, "log(...parts: unknown[]): unknown"},
		{Method{Name: "flag", Form: FormMethod, Params: []Param{{Name: "on", Default: "x", DefaultKin: KindUnknown}}}, "flag(on?: unknown): unknown"},
		{Method{Name: "other", Form: FormShorthand}, "other(...args: unknown[]): Promise<unknown>"},
	} {
		if got := tc.m.Signature().String(); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.m.Name, got, tc.want)
		}
	}
}
