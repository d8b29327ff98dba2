// This file defines the record of generated files found up to date, which lets
// a warm `check` or `generate` skip rendering and reading every generated file
// when nothing changed.
//
// A record says: the file with this stamp (size, modification and change time,
// inode) held exactly the rendering of these inputs. The inputs are keyed, not
// rendered: a class file's key hashes the build (tool version and executable),
// the app root, the object file's path and the content hash of its source; the
// definition, the names and so every byte of the class are functions of those.
// The types file and the index hash every generated object's path and hash.
// So a file is trusted without being read only when both its stamp and its
// inputs are unchanged; anything else is rendered and compared as before, and
// GENERATED_STALE is exactly as correct as without the record.
//
// A file modified in the same clock tick as it was verified could keep its
// stamp, so, as for the extraction cache, a record is trusted only when the
// file's times are older than the start of the verifying run by more than the
// coarsest timestamp granularity.

package codegen

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/safefs"
	"github.com/cloudwerk/cloudwerk-lsp/analysis/varbin"
)

// fileStamp identifies one state of a file (zero: no file).
type fileStamp struct {
	Size, MTime, CTime int64
	Ino, Dev           uint64
}

// inputKey is the hash of everything a generated file's content depends on;
// zero means unknown (the file is always rendered).
type inputKey [sha256.Size]byte

// verifiedRecord is one generated file found up to date.
type verifiedRecord struct {
	Stamp fileStamp
	Key   inputKey
}

// racyWindow covers file systems with 2-second timestamps (tests shorten it).
var racyWindow = int64(2 * time.Second)

// verifiedSet is one app's records as read at the start of a plan, and the
// records this plan confirms or adds (saved when they differ).
type verifiedSet struct {
	file      string
	key       string // the build's cache key; a file written by another build is ignored
	writtenAt int64  // UnixNano: when the run that wrote the file started
	old       map[string]verifiedRecord

	keepOthers bool // save the records of files this plan did not look at

	started int64
	mu      sync.Mutex
	now     map[string]verifiedRecord
	changed bool
}

// openVerified reads the records of the app at root; nil when caching is off.
// With keepOthers, records of files the plan does not look at are kept.
func openVerified(root string, keepOthers bool) *verifiedSet {
	dir := analysis.CacheDir()
	if dir == "" {
		return nil
	}
	sum := sha256.Sum256([]byte(root))
	v := &verifiedSet{
		file:    filepath.Join(dir, "apps", hex.EncodeToString(sum[:12])+".gen"),
		key:     analysis.CacheKey(),
		started: time.Now().UnixNano(),
		now:     map[string]verifiedRecord{},

		keepOthers: keepOthers,
	}
	if data, err := safefs.ReadOwnFile(v.file); err == nil {
		v.writtenAt, v.old, _ = decodeVerified(data, v.key, root)
	}
	return v
}

// trusted reports whether path, now at stamp, is known to hold the rendering of
// key; a trusted record is carried over to the next save.
func (v *verifiedSet) trusted(path string, key inputKey, stamp fileStamp) bool {
	if v == nil || key == (inputKey{}) {
		return false
	}
	r, ok := v.old[path]
	if !ok || r.Key != key || r.Stamp != stamp ||
		stamp.MTime >= v.writtenAt-racyWindow || stamp.CTime >= v.writtenAt-racyWindow {
		return false
	}
	v.mu.Lock()
	v.now[path] = r
	v.mu.Unlock()
	return true
}

// knows reports whether a previous plan left a record of path: without one
// there is nothing to trust, and the file's stamp is not worth a stat (a cold
// run of 10,000 objects made 10,000 of them).
func (v *verifiedSet) knows(path string) bool {
	if v == nil {
		return false
	}
	_, ok := v.old[path]
	return ok
}

// confirm records that path, at stamp, was read and found to hold the rendering of key.
func (v *verifiedSet) confirm(path string, key inputKey, stamp fileStamp) {
	if v == nil || key == (inputKey{}) || stamp == (fileStamp{}) {
		return
	}
	r := verifiedRecord{Stamp: stamp, Key: key}
	v.mu.Lock()
	v.now[path] = r
	if v.old[path] != r || stamp.MTime >= v.writtenAt-racyWindow || stamp.CTime >= v.writtenAt-racyWindow {
		// New, or racy before and trustable once the run start moves past it.
		v.changed = true
	}
	v.mu.Unlock()
}

// save writes this plan's records when they differ from the ones read. The
// write is atomic (temp file + rename); failures are ignored (the records only
// ever save time).
func (v *verifiedSet) save(root string) {
	if v == nil {
		return
	}
	if v.keepOthers {
		for path, r := range v.old {
			if _, ok := v.now[path]; !ok {
				v.now[path] = r
			}
		}
	}
	if !v.changed && len(v.now) == len(v.old) {
		return
	}
	dir := filepath.Dir(v.file)
	if os.MkdirAll(dir, 0o755) != nil {
		return
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	w := bufio.NewWriter(tmp)
	encodeVerified(w, v.key, root, v.started, v.now)
	if w.Flush() != nil || tmp.Close() != nil {
		return
	}
	_ = os.Rename(tmp.Name(), v.file)
}

const verifiedMagic = "cloudwerk-lsp verified 1\n"

// encodeVerified writes the records: magic, build key, root, run start, then
// per record its path and fixed-size fields (little-endian).
func encodeVerified(w io.Writer, key, root string, started int64, records map[string]verifiedRecord) {
	var buf []byte
	buf = append(buf, verifiedMagic...)
	buf = varbin.AppendString(buf, key)
	buf = varbin.AppendString(buf, root)
	buf = binary.LittleEndian.AppendUint64(buf, uint64(started))
	buf = binary.LittleEndian.AppendUint64(buf, uint64(len(records)))
	for path, r := range records {
		buf = varbin.AppendString(buf, path)
		for _, x := range []uint64{uint64(r.Stamp.Size), uint64(r.Stamp.MTime), uint64(r.Stamp.CTime), r.Stamp.Ino, r.Stamp.Dev} {
			buf = binary.LittleEndian.AppendUint64(buf, x)
		}
		buf = append(buf, r.Key[:]...)
		if len(buf) > 64<<10 {
			w.Write(buf)
			buf = buf[:0]
		}
	}
	w.Write(buf)
}

var errBadVerified = errors.New("verified records: bad file")

// decodeVerified reads what encodeVerified wrote; records of another build or
// root, or a damaged file, give an error.
func decodeVerified(data []byte, key, root string) (int64, map[string]verifiedRecord, error) {
	if !bytes.HasPrefix(data, []byte(verifiedMagic)) {
		return 0, nil, errBadVerified
	}
	r := &varbin.Reader{Buf: data[len(verifiedMagic):]}
	k, ro := string(r.Bytes()), string(r.Bytes())
	started, n := r.Uint64(), r.Uint64()
	if r.Bad() || k != key || ro != root || n > uint64(len(r.Buf)) {
		return 0, nil, errBadVerified
	}
	records := make(map[string]verifiedRecord, n)
	for range n {
		path := string(r.Bytes())
		rec := verifiedRecord{Stamp: fileStamp{Size: int64(r.Uint64()), MTime: int64(r.Uint64()), CTime: int64(r.Uint64()), Ino: r.Uint64(), Dev: r.Uint64()}}
		if r.Bad() || len(r.Buf) < len(rec.Key) {
			return 0, nil, errBadVerified
		}
		copy(rec.Key[:], r.Buf)
		r.Buf = r.Buf[len(rec.Key):]
		records[path] = rec
	}
	if len(r.Buf) != 0 {
		return 0, nil, errBadVerified
	}
	return int64(started), records, nil
}

// inputKeys computes the keys of one app's generated files.
type inputKeys struct{ base []byte }

func newInputKeys(root, typesImport string) inputKeys {
	return inputKeys{base: []byte(analysis.CacheKey() + "\x00" + root + "\x00" + typesImport + "\x00")}
}

// class is the key of an object's class file: its path and source hash (zero
// when the definition carries no hash).
func (k inputKeys) class(o object) inputKey {
	d := o.Entry.Def
	if d == nil || d.Hash == "" {
		return inputKey{}
	}
	h := sha256.New()
	h.Write(k.base)
	io.WriteString(h, "class\x00"+o.Entry.Path+"\x00"+d.Hash)
	var key inputKey
	h.Sum(key[:0])
	return key
}

// all is the key of a file made from every object in objs (and the root).
func (k inputKeys) all(kind string, objs []object) inputKey {
	h := sha256.New()
	h.Write(k.base)
	io.WriteString(h, kind)
	for _, o := range objs {
		d := o.Entry.Def
		if d == nil || d.Hash == "" {
			return inputKey{}
		}
		io.WriteString(h, "\x00"+o.Entry.Path+"\x00"+d.Hash)
	}
	var key inputKey
	h.Sum(key[:0])
	return key
}
