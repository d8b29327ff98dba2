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

	extracted bool  // not stored: set when this run had to extract the file
	cTime     int64 // not stored: the change time seen when this run read the file
	verbatim  bool  // not stored: the cache's record as it was read (its bytes can be copied)
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
	raw       map[string][]byte // each record's bytes in the file read, until handOut
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
	data, err := safefs.ReadOwnFile(c.file)
	if err != nil {
		return c
	}
	cf, raw, err := decodeCache(data, cacheKey())
	if err != nil || cf.Root != root {
		return c
	}
	c.records, c.writtenAt, c.raw = cf.Records, cf.WrittenAt, raw
	return c
}

// handOut gives each job its record (and the record's bytes in the file read)
// and keeps only what save compares: so the full facts of a record are held by
// its job alone, and go once its worker has written them to the next cache
// file and slimmed the definition.
func (c *fileCache) handOut(jobs []loadJob) {
	if c == nil {
		return
	}
	for i := range jobs {
		j := &jobs[i]
		if r, ok := c.records[j.path]; ok {
			j.old, j.haveOld, j.raw = r, true, c.raw[j.path]
			c.records[j.path] = cacheRecord{Size: r.Size, ModTime: r.ModTime, Hash: r.Hash, Route: r.Route}
		}
	}
	c.raw = nil
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
//
// The modification time can be set back (touch -r, cp -p, rsync -t, tar), so a
// same-size edit could keep both; the change time cannot. A file whose change
// time is older than the start of the run that wrote the cache (by the same
// window) has not been written since that run validated its record.
func (c *fileCache) trustStat(r cacheRecord, info fs.FileInfo) bool {
	if r.Size != info.Size() || r.ModTime != info.ModTime().UnixNano() || r.ModTime >= c.writtenAt-int64(racyWindow) {
		return false
	}
	ctime, ok := safefs.ChangeTime(info)
	return !ok || ctime < c.writtenAt-int64(racyWindow)
}

// racyWindow covers file systems with 2-second timestamps (FAT, some network mounts).
const racyWindow = 2 * time.Second

// cacheOut is the next cache file of an app, written during the load: each
// worker appends the records it extracts as it goes, and save appends the
// records reused from the old file at the end. So the facts never wait in
// memory for the end of the load (LoadOptions.Slim relies on it), and the
// encoding is spread over the workers. The temp file is opened at the first
// record and replaces the cache file only when something changed.
type cacheOut struct {
	file      string // the cache file it replaces
	root      string
	writtenAt int64

	mu  sync.Mutex
	tmp *os.File
	bw  *bufio.Writer
	enc *cacheEncoder
	err error
}

// out starts the next cache file of a load that started reading at started;
// nil when caching is off.
func (c *fileCache) out(started time.Time) *cacheOut {
	if c == nil {
		return nil
	}
	return &cacheOut{file: c.file, root: c.root, writtenAt: started.UnixNano()}
}

// add appends one record encoded by cacheWriter.record and reports whether it
// is written (false after an error: the file will not be used).
func (o *cacheOut) add(rec []byte) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.enc == nil && o.err == nil {
		o.open()
	}
	if o.err != nil {
		return false
	}
	o.enc.add(rec)
	o.err = o.enc.err
	return o.err == nil
}

func (o *cacheOut) open() {
	dir := filepath.Dir(o.file)
	if o.err = os.MkdirAll(dir, 0o755); o.err != nil {
		return
	}
	if o.tmp, o.err = os.CreateTemp(dir, ".tmp-*"); o.err != nil {
		return
	}
	o.bw = bufio.NewWriterSize(o.tmp, 64<<10)
	o.enc = newCacheEncoder(o.bw, cacheKey(), o.root, o.writtenAt)
}

// commit finishes the file and renames it over the cache file.
func (o *cacheOut) commit() error {
	if o.enc == nil && o.err == nil {
		o.open() // a cache of no records
	}
	if o.err != nil {
		o.abort()
		return o.err
	}
	name := o.tmp.Name()
	defer os.Remove(name) // no-op after a successful rename
	err := o.enc.finish()
	if err == nil {
		err = o.bw.Flush()
	}
	if cerr := o.tmp.Close(); err == nil {
		err = cerr
	}
	o.tmp = nil
	if err == nil {
		err = os.Rename(name, o.file)
	}
	return err
}

// abort drops the file (nothing changed, or it failed).
func (o *cacheOut) abort() {
	if o != nil && o.tmp != nil {
		o.tmp.Close()
		os.Remove(o.tmp.Name())
		o.tmp = nil
	}
}

// save finishes the next cache file when anything changed: it appends the
// records the workers did not write (reused ones) and replaces the old file.
// The write is atomic (temp file + rename in the same folder), so concurrent
// runs each leave a complete file and readers never see a partial one.
// Failures are ignored: the cache only ever saves time.
func (c *fileCache) save(jobs []loadJob, out *cacheOut) {
	changed := len(c.records) != len(jobs)
	for i := range jobs {
		j := &jobs[i]
		if j.err != nil {
			changed = true
			continue
		}
		old, ok := c.records[j.path]
		switch {
		case !ok || j.rec.extracted || old.ModTime != j.rec.ModTime || old.Size != j.rec.Size:
			changed = true
		case old.ModTime >= c.writtenAt-int64(racyWindow) && old.ModTime < out.writtenAt-int64(racyWindow):
			changed = true // racy before, trustable once rewritten
		case j.rec.cTime >= c.writtenAt-int64(racyWindow) && j.rec.cTime < out.writtenAt-int64(racyWindow):
			changed = true // changed (same content) since the last write: trustable once rewritten
		}
	}
	if !changed {
		out.abort()
		return
	}
	var enc cacheWriter
	for i := range jobs {
		if j := &jobs[i]; j.err == nil && !j.written {
			enc.buf = enc.buf[:0]
			enc.record(j.path, j.rec)
			out.add(enc.buf)
		}
	}
	if out.commit() == nil {
		pruneCache(filepath.Dir(c.file), time.Now().Add(-cacheMaxAge))
	}
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

// WriteCacheFile replaces the file at path in the cache folder with data
// atomically (temp file + rename in the same folder), so concurrent runs each
// leave a complete file and readers never see a partial one.
func WriteCacheFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(data); err != nil {
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
