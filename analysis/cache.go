// This file defines the on-disk cache that makes warm runs cheap: one file per
// app holding, per file path, the (size, mtime, content hash) it was read at and
// the facts extracted from it. A record is reused only when the content hash
// still matches; the whole file is ignored when the tool version, the model's
// shape or the executable changes.

package analysis

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/safefs"
)

// CacheEnv names the environment variable that moves the cache folder, or turns
// the cache off with the value "off".
const CacheEnv = "CLOUDWERK_LSP_CACHE"

// cacheDirFromEnv is the cache folder to use; "" when caching is off or there is
// no user cache folder.
func cacheDirFromEnv() string {
	switch v := os.Getenv(CacheEnv); v {
	case "off":
		return ""
	case "":
		dir, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		return filepath.Join(dir, "cloudwerk-lsp")
	default:
		return v
	}
}

// cacheRecord is what the cache keeps for one file.
type cacheRecord struct {
	Size      int64
	ModTime   int64 // UnixNano
	Hash      string
	Route     bool
	Def       *Definition // object files
	RouteFile *RouteFile  // route files; nil when the file makes no references

	extracted bool // not stored: set when this run had to extract the file
}

// cacheFile is the content of one app's cache file (encoded by cache_codec.go).
type cacheFile struct {
	Key       string // cacheKey(): tool version, model shape, executable
	Root      string
	WrittenAt int64 // UnixNano; when the run that wrote the file started reading
	Records   map[string]cacheRecord
}

// fileCache is one app's cache as read at the start of a load; read-only while
// workers consult it.
type fileCache struct {
	file      string
	root      string
	writtenAt int64
	records   map[string]cacheRecord
}

// openCache reads the cache of the app at root from dir. It returns nil when
// caching is off; a missing, stale or corrupt file gives an empty cache.
func openCache(dir, root string) *fileCache {
	if dir == "" {
		return nil
	}
	sum := sha256.Sum256([]byte(root))
	c := &fileCache{
		file: filepath.Join(dir, "apps", hex.EncodeToString(sum[:12])+".bin"),
		root: root,
	}
	data, err := safefs.ReadFile(c.file)
	if err != nil {
		return c
	}
	cf, err := decodeCacheFile(data, cacheKey())
	if err != nil || cf.Root != root {
		return c
	}
	c.records, c.writtenAt = cf.Records, cf.WrittenAt
	return c
}

func (c *fileCache) lookup(path string) (cacheRecord, bool) {
	if c == nil {
		return cacheRecord{}, false
	}
	r, ok := c.records[path]
	return r, ok
}

// trustStat reports whether a record may be reused on (size, mtime) alone,
// without reading the file. Reading and hashing 10,000 files costs more than the
// whole warm budget (about 20 µs per file against 5 µs for a stat, measured), so
// unchanged-looking files are trusted — but only when their mtime is older than
// the start of the run that wrote the cache by more than the coarsest timestamp
// granularity (as git does for its index): a file edited in the same clock tick
// as it was read could keep its size and mtime, so such "racy" records are
// re-read and validated by content hash instead.
func (c *fileCache) trustStat(r cacheRecord, info fs.FileInfo) bool {
	return r.Size == info.Size() && r.ModTime == info.ModTime().UnixNano() &&
		r.ModTime < c.writtenAt-int64(racyWindow)
}

// racyWindow covers file systems with 2-second timestamps (FAT, some network mounts).
const racyWindow = 2 * time.Second

// save writes the records of this run when anything changed. The write is
// atomic (temp file + rename in the same folder), so concurrent runs each leave
// a complete file and readers never see a partial one. Failures are ignored: the
// cache only ever saves time.
func (c *fileCache) save(jobs []loadJob, started time.Time) {
	records := make([]pathRecord, 0, len(jobs))
	changed := len(c.records) != len(jobs)
	for i := range jobs {
		j := &jobs[i]
		if j.err != nil {
			changed = true
			continue
		}
		records = append(records, pathRecord{j.path, j.rec})
		old, ok := c.records[j.path]
		switch {
		case !ok || j.rec.extracted || old.ModTime != j.rec.ModTime || old.Size != j.rec.Size:
			changed = true
		case old.ModTime >= c.writtenAt-int64(racyWindow) && old.ModTime < started.UnixNano()-int64(racyWindow):
			changed = true // racy before, trustable once rewritten
		}
	}
	if !changed {
		return
	}
	if writeCacheFile(c.file, c.root, started.UnixNano(), sortedRecords(records)) == nil {
		pruneCache(filepath.Dir(c.file), time.Now().Add(-cacheMaxAge))
	}
}

// sortedRecords sorts records by path in place; of several records of one path
// the last is kept.
func sortedRecords(records []pathRecord) []pathRecord {
	slices.SortStableFunc(records, func(a, b pathRecord) int { return strings.Compare(a.path, b.path) })
	out := records[:0]
	for i, r := range records {
		if i+1 < len(records) && records[i+1].path == r.path {
			continue
		}
		out = append(out, r)
	}
	return out
}

// cacheMaxAge is how long the cache of an app nobody loads is kept: every
// temporary or deleted checkout leaves one file behind otherwise.
const cacheMaxAge = 30 * 24 * time.Hour

// pruneCache removes cache files (and stale temp files) last written before cutoff.
func pruneCache(dir string, cutoff time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() && info.ModTime().Before(cutoff) {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// writeCacheFile writes the cache of the app at root (records sorted by path)
// to path, streaming through a buffer.
func writeCacheFile(path, root string, writtenAt int64, records []pathRecord) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	bw := bufio.NewWriterSize(tmp, 64<<10)
	err = writeCache(bw, cacheKey(), root, writtenAt, records)
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// contentHash is the hex SHA-256 of a file's content (Definition.Hash).
func contentHash(src []byte) string {
	sum := sha256.Sum256(src)
	return hex.EncodeToString(sum[:])
}

// cacheKey identifies everything that makes old records invalid: the tool
// version, the shape of the cached types (a field added to the model changes
// the key, so old files are never decoded with the new layout), and the running executable (a rebuilt extractor may extract
// differently under the same version).
var cacheKey = sync.OnceValue(func() string {
	var b strings.Builder
	b.WriteString(Version)
	b.WriteByte('|')
	writeTypeShape(&b, reflect.TypeFor[cacheFile](), map[reflect.Type]bool{})
	if exe, err := os.Executable(); err == nil {
		if info, err := os.Stat(exe); err == nil {
			fmt.Fprintf(&b, "|%d|%d", info.Size(), info.ModTime().UnixNano())
		}
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
})

// writeTypeShape writes the exported structure of t (field names and kinds, recursively).
func writeTypeShape(b *strings.Builder, t reflect.Type, seen map[reflect.Type]bool) {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		b.WriteString(t.Kind().String() + "(")
		writeTypeShape(b, t.Elem(), seen)
		b.WriteByte(')')
	case reflect.Map:
		b.WriteString("map(")
		writeTypeShape(b, t.Key(), seen)
		b.WriteByte(',')
		writeTypeShape(b, t.Elem(), seen)
		b.WriteByte(')')
	case reflect.Struct:
		b.WriteString(t.Name())
		if seen[t] {
			return
		}
		seen[t] = true
		b.WriteByte('{')
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			b.WriteString(f.Name + ":")
			writeTypeShape(b, f.Type, seen)
			b.WriteByte(';')
		}
		b.WriteByte('}')
	default:
		b.WriteString(t.Kind().String())
	}
}

// CacheDir is the folder of the on-disk caches ("" when caching is off); other
// packages keep their own per-app files there (codegen's verified outputs).
func CacheDir() string { return cacheDirFromEnv() }

// CacheKey identifies the running build (tool version, model shape,
// executable): whatever another package caches from this build's output is
// invalid under a different key.
func CacheKey() string { return cacheKey() }
