package analysis

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// equalModuloEmpty is reflect.DeepEqual except that nil and empty slices and
// maps are equal (the cache format does not keep the difference).
func equalModuloEmpty(a, b reflect.Value) bool {
	if a.Kind() != b.Kind() {
		return false
	}
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return equalModuloEmpty(a.Elem(), b.Elem())
	case reflect.Slice:
		if a.Len() != b.Len() {
			return false
		}
		for i := range a.Len() {
			if !equalModuloEmpty(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		if a.Len() != b.Len() {
			return false
		}
		for _, k := range a.MapKeys() {
			bv := b.MapIndex(k)
			if !bv.IsValid() || !equalModuloEmpty(a.MapIndex(k), bv) {
				return false
			}
		}
		return true
	case reflect.Struct:
		for i := range a.NumField() {
			if a.Type().Field(i).IsExported() && !equalModuloEmpty(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	default:
		return a.Interface() == b.Interface()
	}
}

// TestCacheWarmEqualsCold: a load served from the cache gives the same facts as
// extraction.
func TestCacheWarmEqualsCold(t *testing.T) {
	root := generateApp(t, t.TempDir(), 25)
	cacheDir := t.TempDir()
	cold := mustLoad(t, root, "")
	mustLoad(t, root, cacheDir) // writes the cache
	warm := mustLoad(t, root, cacheDir)
	if !equalModuloEmpty(reflect.ValueOf(cold.Manifest.Entries), reflect.ValueOf(warm.Manifest.Entries)) {
		t.Error("entries loaded from the cache differ from extracted ones")
	}
	if !equalModuloEmpty(reflect.ValueOf(cold.Routes), reflect.ValueOf(warm.Routes)) || len(warm.Routes) != 2 {
		t.Errorf("routes loaded from the cache differ: %d vs %d", len(cold.Routes), len(warm.Routes))
	}
	if got := len(cold.Manifest.Entries[0].Def.Methods); got != 5 {
		t.Errorf("generated object has %d methods, want 5 (is extraction wired?)", got)
	}
	for _, e := range warm.Manifest.Entries {
		if e.Def.Fields == nil {
			t.Fatalf("%s: Fields is nil after decoding", e.Path)
		}
	}
}

func TestCacheHitMissInvalidation(t *testing.T) {
	root := generateApp(t, t.TempDir(), 3)
	cacheDir := t.TempDir()
	mustLoad(t, root, cacheDir)
	objects := filepath.Join(root, "app", "objects")
	first := filepath.Join(objects, benchObjectFile(0)+".ts")
	second := filepath.Join(objects, benchObjectFile(1)+".ts")
	route := filepath.Join(root, "app", "routes", "index.ts")

	c := openCache(cacheDir, root)
	if len(c.records) != 5 {
		t.Fatalf("cache holds %d records, want 5 (3 objects, 2 routes)", len(c.records))
	}
	// Unchanged files (an hour old) are trusted on size and mtime.
	for _, p := range []string{first, route} {
		rec, err := loadFile(p, p == route, c)
		if err != nil || rec.extracted {
			t.Fatalf("%s: want a cache hit, got extracted=%v err=%v", p, rec.extracted, err)
		}
	}
	if rec, _ := loadFile(route, true, c); rec.RouteFile == nil || len(rec.RouteFile.Refs) == 0 {
		t.Error("cached route file lost its references")
	}

	// A different size is a miss.
	src, _ := os.ReadFile(first)
	edited := strings.Replace(string(src), "by: number = 1", "by: number = 2", 1)
	edited = strings.Replace(edited, "async decrement(", "async subtract(", 1)
	writeKeepingTime(t, first, edited, time.Now().Add(-time.Hour))
	rec, err := loadFile(first, false, c)
	if err != nil || !rec.extracted || rec.Def.Methods[1].Name != "subtract" {
		t.Fatalf("size change: want re-extraction, got extracted=%v err=%v", rec.extracted, err)
	}

	// Same size and same mtime, but the mtime is inside the racy window of the run
	// that wrote the cache: the content hash catches the edit.
	now := time.Now()
	writeKeepingTime(t, second, string(mustRead(t, second)), now)
	mustLoad(t, root, cacheDir) // records second with a recent mtime
	c = openCache(cacheDir, root)
	orig := string(mustRead(t, second))
	same := strings.Replace(orig, "async decrement(", "async decrEment(", 1)
	if len(same) != len(orig) || same == orig {
		t.Fatal("the edit must keep the size")
	}
	writeKeepingTime(t, second, same, now)
	rec, err = loadFile(second, false, c)
	if err != nil || !rec.extracted || rec.Def.Methods[1].Name != "decrEment" {
		t.Fatalf("racy same-size edit: want re-extraction, got extracted=%v err=%v", rec.extracted, err)
	}

	// A file that turns from route into object (or back) is not served from the other kind.
	if rec, _ := loadFile(route, false, c); !rec.extracted {
		t.Error("a route record was reused as an object definition")
	}

	// A cache written by another version (or model shape, or executable) is ignored.
	if err := os.WriteFile(c.file, encodeCacheFile(&cacheFile{Key: "another version", Root: root, Records: c.records}), 0o644); err != nil {
		t.Fatal(err)
	}
	if c := openCache(cacheDir, root); len(c.records) != 0 {
		t.Error("a cache with another key was used")
	}
	// A corrupt cache is ignored too, and rewritten by the next load.
	if err := os.WriteFile(c.file, []byte("not a cache file"), 0o644); err != nil {
		t.Fatal(err)
	}
	if c := openCache(cacheDir, root); len(c.records) != 0 {
		t.Error("a corrupt cache was used")
	}
	mustLoad(t, root, cacheDir)
	if c := openCache(cacheDir, root); len(c.records) != 5 {
		t.Errorf("cache not rewritten after corruption: %d records", len(c.records))
	}

	// A deleted file leaves the cache at the next write.
	if err := os.Remove(first); err != nil {
		t.Fatal(err)
	}
	mustLoad(t, root, cacheDir)
	if _, ok := openCache(cacheDir, root).records[first]; ok {
		t.Error("the record of a deleted file survived")
	}
}

// TestCacheSeesEditWithMtimeSetBack: a same-size edit whose modification time is
// set back (touch -r, cp -p, rsync -t, tar) keeps size and mtime; its change
// time gives it away, so the file is read again, never served from the cache.
func TestCacheSeesEditWithMtimeSetBack(t *testing.T) {
	root := generateApp(t, t.TempDir(), 1)
	cacheDir := t.TempDir()
	mustLoad(t, root, cacheDir) // the files' mtimes are an hour old: trusted on stat
	file := filepath.Join(root, "app", "objects", benchObjectFile(0)+".ts")
	info, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	orig := string(mustRead(t, file))
	same := strings.Replace(orig, "async decrement(", "async decrEment(", 1)
	if len(same) != len(orig) || same == orig {
		t.Fatal("the edit must keep the size")
	}
	writeKeepingTime(t, file, same, info.ModTime())
	rec, err := loadFile(file, false, openCache(cacheDir, root))
	if err != nil || !rec.extracted || rec.Def.Methods[1].Name != "decrEment" {
		t.Fatalf("edit with the mtime set back: want re-extraction, got extracted=%v err=%v", rec.extracted, err)
	}
}

// TestCacheNotRewrittenWhenUnchanged: a warm run with nothing new leaves the cache
// file alone (no write on the hot path).
func TestCacheNotRewrittenWhenUnchanged(t *testing.T) {
	root := generateApp(t, t.TempDir(), 3)
	cacheDir := t.TempDir()
	mustLoad(t, root, cacheDir)
	file := openCache(cacheDir, root).file
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(file, old, old); err != nil {
		t.Fatal(err)
	}
	mustLoad(t, root, cacheDir)
	if info, err := os.Stat(file); err != nil || !info.ModTime().Equal(old) {
		t.Errorf("cache rewritten by an unchanged run (err %v)", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(file))
	if len(entries) != 1 {
		t.Errorf("cache folder holds %d files, want 1 (temp files left behind?)", len(entries))
	}
}

// TestCachePrunesAbandonedApps: writing one app's cache removes the cache files
// of apps not loaded for cacheMaxAge, and keeps recent ones.
func TestCachePrunesAbandonedApps(t *testing.T) {
	cacheDir := t.TempDir()
	apps := filepath.Join(cacheDir, "apps")
	if err := os.MkdirAll(apps, 0o755); err != nil {
		t.Fatal(err)
	}
	old, recent := filepath.Join(apps, "old.bin"), filepath.Join(apps, "recent.bin")
	for _, p := range []string{old, recent} {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	long := time.Now().Add(-cacheMaxAge - time.Hour)
	if err := os.Chtimes(old, long, long); err != nil {
		t.Fatal(err)
	}
	mustLoad(t, generateApp(t, t.TempDir(), 1), cacheDir)
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Error("an abandoned app's cache was kept")
	}
	if _, err := os.Stat(recent); err != nil {
		t.Error("a recent app's cache was removed")
	}
}

func TestCacheDirFromEnv(t *testing.T) {
	t.Setenv(CacheEnv, "off")
	if got := cacheDirFromEnv(); got != "" {
		t.Errorf("off: %q", got)
	}
	custom := t.TempDir()
	t.Setenv(CacheEnv, custom)
	if got := cacheDirFromEnv(); got != custom {
		t.Errorf("custom: %q", got)
	}
	home := t.TempDir()
	t.Setenv(CacheEnv, "")
	t.Setenv("XDG_CACHE_HOME", home)
	t.Setenv("HOME", home)
	if got := cacheDirFromEnv(); !strings.HasPrefix(got, home) || filepath.Base(got) != "cloudwerk-lsp" {
		t.Errorf("default: %q", got)
	}
	// LoadApp honours the variable: with a custom folder the cache appears there.
	root := generateApp(t, t.TempDir(), 2)
	t.Setenv(CacheEnv, custom)
	if _, err := LoadApp(root); err != nil {
		t.Fatal(err)
	}
	if files, _ := filepath.Glob(filepath.Join(custom, "apps", "*.bin")); len(files) != 1 {
		t.Errorf("cache files in %s: %v", custom, files)
	}
}

func writeKeepingTime(t testing.TB, path, content string, mtime time.Time) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fillValue sets every exported field reachable from v to a distinct non-zero
// value (slices and maps get two elements), so a round trip that drops any field
// shows up.
func fillValue(v reflect.Value, seq *int) {
	*seq++
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d", *seq))
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Int16, reflect.Int8:
		v.SetInt(int64(*seq))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Uint8:
		v.SetUint(uint64(*seq%250 + 1))
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fillValue(v.Elem(), seq)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fillValue(v.Index(i), seq)
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		for range 2 {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fillValue(k, seq)
			fillValue(e, seq)
			v.SetMapIndex(k, e)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillValue(v.Field(i), seq)
			}
		}
	default:
		panic("fillValue: add a case for " + v.Kind().String())
	}
}

// TestCacheCodecRoundTrip guards the hand-written format: every exported field
// of every cached type must survive. When this fails after a model change, add
// the new field to cache_codec.go (both directions).
func TestCacheCodecRoundTrip(t *testing.T) {
	seq := 0
	var want cacheFile
	fillValue(reflect.ValueOf(&want).Elem(), &seq)
	want.Key = "k"
	got, err := decodeCacheFile(encodeCacheFile(&want), "k")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, &want) {
		t.Errorf("round trip lost data:\n got %#v\nwant %#v", got, &want)
		for p, r := range want.Records {
			g := got.Records[p]
			if !reflect.DeepEqual(g.Def, r.Def) {
				wd, gd := reflect.ValueOf(r.Def).Elem(), reflect.ValueOf(g.Def).Elem()
				for i := range wd.NumField() {
					if !reflect.DeepEqual(wd.Field(i).Interface(), gd.Field(i).Interface()) {
						t.Errorf("Definition.%s is not encoded", wd.Type().Field(i).Name)
					}
				}
			}
		}
	}
	// Many records span several chunks, decoded in parallel.
	many := &cacheFile{Key: "k", Records: map[string]cacheRecord{}}
	for i := range 3*cacheChunkRecords + 7 {
		p := fmt.Sprintf("/r/app/objects/o%d.ts", i)
		many.Records[p] = cacheRecord{Size: int64(i), Hash: "h", Def: &Definition{Path: p, Hash: "h", Fields: map[string]*Field{}}}
	}
	if got, err := decodeCacheFile(encodeCacheFile(many), "k"); err != nil || !reflect.DeepEqual(got, many) {
		t.Errorf("multi-chunk round trip: err %v, equal %v", err, reflect.DeepEqual(got, many))
	}
	// The same input always gives the same bytes.
	if a, b := encodeCacheFile(&want), encodeCacheFile(&want); string(a) != string(b) {
		t.Error("encoding is not deterministic")
	}
	// A file written under another key is refused, and so is every truncation.
	data := encodeCacheFile(&want)
	if _, err := decodeCacheFile(data, "other"); err == nil {
		t.Error("decoded a file with another key")
	}
	for n := 0; n < len(data); n += 7 {
		if _, err := decodeCacheFile(data[:n], "k"); err == nil {
			t.Fatalf("decoded a file truncated to %d of %d bytes", n, len(data))
		}
	}
}

// FuzzDecodeCacheFile: arbitrary bytes never panic or allocate without bound,
// and whatever decodes re-encodes to the same records.
func FuzzDecodeCacheFile(f *testing.F) {
	seq := 0
	var cf cacheFile
	fillValue(reflect.ValueOf(&cf).Elem(), &seq)
	cf.Key = "k"
	f.Add(encodeCacheFile(&cf))
	f.Add(encodeCacheFile(&cacheFile{Key: "k", Records: map[string]cacheRecord{}}))
	f.Add([]byte(cacheMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := decodeCacheFile(data, "k")
		if err != nil {
			return
		}
		again, err := decodeCacheFile(encodeCacheFile(got), "k")
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Fatalf("re-encoding a decoded file changed it: %v", err)
		}
	})
}

// TestCacheOutStreams: the cache file written record by record (in any order,
// as workers finish) decodes to the same records as the one-piece encoding, and
// an empty one is a valid file too.
func TestCacheOutStreams(t *testing.T) {
	root := "/r/app"
	want := &cacheFile{Key: cacheKey(), Root: root, WrittenAt: 42, Records: map[string]cacheRecord{}}
	out := &cacheOut{file: filepath.Join(t.TempDir(), "apps", "x.bin"), root: root, writtenAt: 42}
	var enc cacheWriter
	for i := range 2*cacheChunkRecords + 3 {
		p := fmt.Sprintf("/r/app/objects/o%d.ts", i)
		r := cacheRecord{Size: int64(i), Hash: "h", Def: &Definition{Path: p, Hash: "h", Fields: map[string]*Field{}}}
		want.Records[p] = r
		enc.buf = enc.buf[:0]
		enc.record(p, r)
		if !out.add(enc.buf) {
			t.Fatal(out.err)
		}
	}
	if err := out.commit(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out.file)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := decodeCacheFile(data, cacheKey()); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("streamed file does not decode to its records: %v", err)
	}
	if got, err := decodeCacheFile(encodeCacheFile(want), cacheKey()); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("one-piece encoding does not decode to its records: %v", err)
	}
	// No temp file is left behind.
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(out.file), ".tmp-*")); len(left) != 0 {
		t.Errorf("temp files left: %v", left)
	}

	empty := &cacheOut{file: out.file, root: root, writtenAt: 7}
	if err := empty.commit(); err != nil {
		t.Fatal(err)
	}
	data, _ = os.ReadFile(out.file)
	if got, err := decodeCacheFile(data, cacheKey()); err != nil || len(got.Records) != 0 || got.WrittenAt != 7 {
		t.Errorf("empty cache file: %v %+v", err, got)
	}
}

// TestSlimLoadsKeepFullFactsInCache: a load whose caller slims definitions
// (LoadOptions.Slim, as check and generate do) still leaves the full facts in
// the cache, cold, after a change to one file (the other records copied as they
// were) and when nothing changed; reused definitions are slimmed too.
func TestSlimLoadsKeepFullFactsInCache(t *testing.T) {
	root := generateApp(t, t.TempDir(), 25)
	cacheDir := t.TempDir()
	strip := func(e *Entry) *Definition {
		d := *e.Def
		d.ContextUses, d.ParamUses = nil, nil
		return &d
	}
	load := func() *App {
		t.Helper()
		app, err := loadApp(root, cacheDir, LoadOptions{Slim: strip})
		if err != nil {
			t.Fatal(err)
		}
		return app
	}
	cacheHoldsFullFacts := func(when string) {
		t.Helper()
		full := mustLoad(t, root, "")
		uses := 0
		c := openCache(cacheDir, root)
		for _, e := range full.Manifest.Entries {
			uses += len(e.Def.ContextUses)
			if r, ok := c.records[e.Path]; !ok || !equalModuloEmpty(reflect.ValueOf(r.Def), reflect.ValueOf(e.Def)) {
				t.Errorf("%s: the cache's record of %s is not the full definition", when, e.Path)
			}
		}
		if uses == 0 {
			t.Fatal("the app has no context uses: the test proves nothing")
		}
	}
	app := load()
	cacheHoldsFullFacts("cold")
	for _, e := range app.Manifest.Entries {
		if e.Def.ContextUses != nil {
			t.Fatalf("%s: not slimmed", e.Path)
		}
	}
	// Date the cache after the files so that their stats are trusted, then
	// change one file: the others' records are copied as they were, and their
	// definitions slimmed too.
	c := openCache(cacheDir, root)
	if err := os.WriteFile(c.file, encodeCacheFile(&cacheFile{Key: cacheKey(), Root: root,
		WrittenAt: time.Now().Add(time.Hour).UnixNano(), Records: c.records}), 0o644); err != nil {
		t.Fatal(err)
	}
	changed := app.Manifest.Entries[3].Path
	if err := os.WriteFile(changed, append(mustRead(t, changed), "\n// edited\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	app = load()
	cacheHoldsFullFacts("after a change")
	for _, e := range app.Manifest.Entries {
		if e.Def.ContextUses != nil {
			t.Errorf("%s: a reused definition is not slimmed", e.Path)
		}
	}
	// Nothing changed: the cache file is left as it is, and no temp file stays.
	info, _ := os.Stat(c.file)
	load()
	cacheHoldsFullFacts("unchanged")
	if again, _ := os.Stat(c.file); !again.ModTime().Equal(info.ModTime()) {
		t.Error("an unchanged load rewrote the cache")
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(c.file), ".tmp-*")); len(left) != 0 {
		t.Errorf("temp files left: %v", left)
	}
}
