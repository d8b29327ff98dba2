package analysis

import (
	"reflect"
	"testing"
)

// FuzzExtract feeds arbitrary bytes to both grammars. Extraction must never
// panic, every range must lie inside the file and agree with the line index,
// and an incremental re-parse after an edit must equal a fresh extraction.
// The seed corpus (testdata/fuzz/FuzzExtract) holds the golden fixtures' files.
func FuzzExtract(f *testing.F) {
	f.Add([]byte(simpleObject), false)
	f.Add([]byte(documentSource), true)
	f.Fuzz(func(t *testing.T, src []byte, tsx bool) {
		path := "app/objects/fuzz.ts"
		if tsx {
			path = "app/objects/fuzz.tsx"
		}
		def := ExtractDefinition(path, src)
		rf := ExtractRoute(path, src)
		for _, r := range collectRanges(def, rf) {
			if err := validRange(src, r); err != "" {
				t.Fatal(err)
			}
		}
		for _, m := range def.Methods {
			if m.Name == "" && !m.ComputedKey {
				t.Fatalf("method without a name: %+v", m)
			}
		}
		cfg := Config{File: "cloudwerk.config.ts", AppDir: DefaultAppDir, Extensions: DefaultExtensions()}
		readConfigSource(&cfg, src)
		if cfg.AppDir == "" || len(cfg.Extensions) == 0 {
			t.Fatalf("config lost its defaults: %+v", cfg)
		}
		for _, is := range cfg.Issues {
			if err := validRange(src, is.At); err != "" {
				t.Fatal(err)
			}
		}

		// Delete the middle third, then insert it back: both states must extract
		// as a fresh parse would.
		doc := NewDocument(path, src)
		defer doc.Close()
		doc.Definition()
		a, b := len(src)/3, 2*len(src)/3
		middle := string(src[a:b])
		if err := doc.Edit(a, b, ""); err != nil {
			t.Fatal(err)
		}
		cut := append(append([]byte(nil), src[:a]...), src[b:]...)
		if got, want := doc.Definition(), ExtractDefinition(path, cut); !reflect.DeepEqual(got, want) {
			t.Fatalf("incremental after delete differs:\n%s\n%s", summarizeDefinition(got, cut), summarizeDefinition(want, cut))
		}
		if err := doc.Edit(a, a, middle); err != nil {
			t.Fatal(err)
		}
		if got := doc.Definition(); !reflect.DeepEqual(got, def) {
			t.Fatalf("incremental after re-insert differs:\n%s\n%s", summarizeDefinition(got, src), summarizeDefinition(def, src))
		}
	})
}
