// This file defines the binary format of the cache file. It is hand-written
// because decoding is the warm run's largest cost: gob took about 250 ms of CPU
// for 10,000 definitions (measured), this takes a fraction of that. A test fills
// every exported field of the cached types by reflection and checks the round
// trip, so a field added to the model without being added here fails the tests;
// the type shape in cacheKey keeps old files from being read with a new layout.

package analysis

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/varbin"
)

const cacheMagic = "cloudwerk-lsp cache 6\n"

// After the header, records come in length-prefixed chunks (so that several
// workers can decode one file at once) and a zero length ends the file: the
// writer never needs to know how many records will come, so workers can append
// records as they extract them.
const cacheChunkRecords = 512

var errCacheCorrupt = errors.New("cache file is corrupt")

// encodeCacheFile returns the bytes of a cache file of cf, records sorted by path
// (the same input always gives the same bytes).
func encodeCacheFile(cf *cacheFile) []byte {
	paths := make([]string, 0, len(cf.Records))
	for p := range cf.Records {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	var buf bytes.Buffer
	enc := newCacheEncoder(&buf, cf.Key, cf.Root, cf.WrittenAt)
	var w cacheWriter
	for _, p := range paths {
		w.buf = w.buf[:0]
		w.record(p, cf.Records[p])
		enc.add(w.buf)
	}
	enc.finish() // a bytes.Buffer never fails
	return buf.Bytes()
}

// cacheEncoder writes a cache file to out one chunk at a time, reusing one
// buffer: the whole file is never held in memory (building it in one growing
// buffer allocated ten times its 14 MB at 10,000 objects and was the peak of a
// cold check). After a write error every call is a no-op and finish returns it.
type cacheEncoder struct {
	out   io.Writer
	head  cacheWriter // the next length prefixes
	chunk cacheWriter // the encoded records of the chunk being filled
	n     int         // records in chunk
	err   error
}

func newCacheEncoder(out io.Writer, key, root string, writtenAt int64) *cacheEncoder {
	e := &cacheEncoder{out: out}
	e.head.buf = append(e.head.buf, cacheMagic...)
	e.head.str(key)
	e.head.str(root)
	e.head.int(writtenAt)
	return e
}

// add appends one record encoded by cacheWriter.record.
func (e *cacheEncoder) add(rec []byte) {
	e.chunk.buf = append(e.chunk.buf, rec...)
	if e.n++; e.n == cacheChunkRecords {
		e.flush()
	}
}

func (e *cacheEncoder) flush() {
	if e.n == 0 || e.err != nil {
		return
	}
	count := binary.AppendUvarint(nil, uint64(e.n))
	e.head.uint(uint64(len(count) + len(e.chunk.buf)))
	e.head.buf = append(e.head.buf, count...)
	e.write(e.head.buf)
	e.write(e.chunk.buf)
	e.head.buf, e.chunk.buf, e.n = e.head.buf[:0], e.chunk.buf[:0], 0
}

func (e *cacheEncoder) write(b []byte) {
	if e.err == nil {
		_, e.err = e.out.Write(b)
	}
}

// finish writes the last chunk and the end mark.
func (e *cacheEncoder) finish() error {
	e.flush()
	e.head.uint(0)
	e.write(e.head.buf)
	return e.err
}

func (w *cacheWriter) record(p string, r cacheRecord) {
	w.str(p)
	w.int(r.Size)
	w.int(r.ModTime)
	w.str(r.Hash)
	w.bool(r.Route)
	w.bool(r.Def != nil)
	if r.Def != nil {
		// Path and hash normally equal the record's: store them once.
		same := r.Def.Path == p && r.Def.Hash == r.Hash
		w.bool(same)
		if !same {
			w.str(r.Def.Path)
			w.str(r.Def.Hash)
		}
		w.definition(r.Def)
	}
	w.bool(r.RouteFile != nil)
	if r.RouteFile != nil {
		w.routeFile(r.RouteFile)
	}
}

// decodeCacheFile decodes data; a file written under another key is refused
// before anything else is decoded.
func decodeCacheFile(data []byte, key string) (*cacheFile, error) {
	cf, _, err := decodeCache(data, key)
	return cf, err
}

// decodeCache is decodeCacheFile that also returns each record's bytes, by
// path (slices of data): a record that is still valid is copied into the next
// cache file as it is.
func decodeCache(data []byte, key string) (*cacheFile, map[string][]byte, error) {
	if len(data) < len(cacheMagic) || string(data[:len(cacheMagic)]) != cacheMagic {
		return nil, nil, errCacheCorrupt
	}
	r := &cacheReader{Reader: varbin.Reader{Buf: data[len(cacheMagic):]}, interned: new(internTable)}
	cf := &cacheFile{Key: r.str()}
	if r.Bad() || cf.Key != key {
		return nil, nil, errCacheCorrupt
	}
	cf.Root = r.str()
	cf.WrittenAt = r.Varint()
	var chunks [][]byte
	for {
		n := r.Count()
		if r.Bad() {
			return nil, nil, errCacheCorrupt
		}
		if n == 0 {
			break
		}
		chunks = append(chunks, r.Buf[:n])
		r.Buf = r.Buf[n:]
	}
	if len(r.Buf) != 0 {
		return nil, nil, errCacheCorrupt
	}

	// Decode the chunks in parallel, then index them in one map.
	parts := make([][]pathRecord, len(chunks))
	errs := make([]error, len(chunks))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(chunks)) {
		wg.Go(func() {
			interned := new(internTable)
			for {
				i := int(next.Add(1)) - 1
				if i >= len(chunks) {
					return
				}
				parts[i], errs[i] = decodeChunk(chunks[i], interned)
			}
		})
	}
	wg.Wait()
	total := 0
	for i, part := range parts {
		if errs[i] != nil {
			return nil, nil, errs[i]
		}
		total += len(part)
	}
	cf.Records = make(map[string]cacheRecord, total)
	raws := make(map[string][]byte, total)
	for _, part := range parts {
		for _, pr := range part {
			cf.Records[pr.path] = pr.rec
			raws[pr.path] = pr.raw
		}
	}
	if len(cf.Records) != total { // a path twice
		return nil, nil, errCacheCorrupt
	}
	return cf, raws, nil
}

type pathRecord struct {
	path string
	rec  cacheRecord
	raw  []byte // the record's bytes in the file
}

func decodeChunk(data []byte, interned *internTable) ([]pathRecord, error) {
	r := &cacheReader{Reader: varbin.Reader{Buf: data}, interned: interned}
	n := r.Count()
	if n == 0 || n > cacheChunkRecords {
		return nil, errCacheCorrupt
	}
	out := make([]pathRecord, 0, n)
	for range n {
		start := len(data) - len(r.Buf)
		p := r.str()
		rec := cacheRecord{Size: r.Varint(), ModTime: r.Varint(), Hash: r.str(), Route: r.bool()}
		if r.bool() {
			path, hash := p, rec.Hash
			if !r.bool() {
				path, hash = r.str(), r.str()
			}
			rec.Def = r.definition()
			rec.Def.Path, rec.Def.Hash = path, hash
		}
		if r.bool() {
			rec.RouteFile = r.routeFile()
		}
		if r.Bad() {
			return nil, errCacheCorrupt
		}
		end := len(data) - len(r.Buf)
		out = append(out, pathRecord{p, rec, data[start:end:end]})
	}
	if len(r.Buf) != 0 {
		return nil, errCacheCorrupt
	}
	return out, nil
}

type cacheWriter struct{ buf []byte }

func (w *cacheWriter) uint(v uint64) { w.buf = binary.AppendUvarint(w.buf, v) }
func (w *cacheWriter) int(v int64)   { w.buf = binary.AppendVarint(w.buf, v) }
func (w *cacheWriter) str(s string)  { w.buf = varbin.AppendString(w.buf, s) }
func (w *cacheWriter) bool(b bool) {
	if b {
		w.buf = append(w.buf, 1)
	} else {
		w.buf = append(w.buf, 0)
	}
}
func (w *cacheWriter) pos(p Pos) { w.int(int64(p.Offset)); w.int(int64(p.Line)); w.int(int64(p.Col16)) }
func (w *cacheWriter) rng(r Range) {
	w.pos(r.Start)
	w.pos(r.End)
}

func (w *cacheWriter) strs(ss []string) {
	w.uint(uint64(len(ss)))
	for _, s := range ss {
		w.str(s)
	}
}

func (w *cacheWriter) definition(d *Definition) {
	w.str(d.Skipped)
	w.uint(uint64(len(d.ParseErrors)))
	for _, r := range d.ParseErrors {
		w.rng(r)
	}
	w.int(int64(d.Export))
	w.rng(d.ExportAt)
	w.rng(d.CallAt)
	w.str(d.Callee)
	w.int(int64(d.CalleeBinding))
	w.str(d.CalleeModule)
	w.str(d.CalleeImported)
	w.rng(d.CalleeModuleAt)
	w.str(d.StateType)
	w.rng(d.StateTypeAt)
	w.rng(d.ConfigAt)
	w.bool(d.ConfigIsLiteral)
	keys := make([]string, 0, len(d.Fields))
	for k := range d.Fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	w.uint(uint64(len(keys)))
	for _, k := range keys {
		f := d.Fields[k]
		w.str(k)
		w.bool(f != nil)
		if f != nil {
			w.str(f.Key)
			w.rng(f.KeyAt)
			w.rng(f.At)
			w.rng(f.Value)
			w.int(int64(f.Kind))
			w.str(f.Str)
			w.bool(f.Bool)
		}
	}
	w.uint(uint64(len(d.Methods)))
	for i := range d.Methods {
		m := &d.Methods[i]
		w.str(m.Name)
		w.rng(m.NameAt)
		w.rng(m.At)
		w.int(int64(m.Form))
		w.int(int64(m.Kind))
		w.bool(m.Async)
		w.uint(uint64(len(m.Params)))
		for _, p := range m.Params {
			w.str(p.Name)
			w.str(p.Type)
			w.bool(p.Optional)
			w.str(p.Default)
			w.int(int64(p.DefaultKin))
			w.bool(p.Rest)
			w.bool(p.Context)
		}
		w.str(m.ReturnType)
		w.bool(m.ComputedKey)
		w.bool(m.StringKey)
	}
	w.uint(uint64(len(d.Unknowns)))
	for _, u := range d.Unknowns {
		w.rng(u.At)
		w.str(u.Reason)
	}
	w.strs(d.ExportedTypes)
	w.uint(uint64(len(d.ContextUses)))
	for _, u := range d.ContextUses {
		w.str(u.In)
		w.int(int64(u.Recv))
		w.str(u.Member)
		w.rng(u.At)
		w.int(int64(u.Args))
		w.bool(u.Spread)
		w.bool(u.ArrayArg != nil)
		if u.ArrayArg != nil {
			w.rng(*u.ArrayArg)
		}
		w.bool(u.DDL)
		w.bool(u.Write)
	}
	w.uint(uint64(len(d.ParamUses)))
	for _, u := range d.ParamUses {
		w.str(u.In)
		w.int(int64(u.Index))
		w.str(u.Name)
		w.rng(u.ParamAt)
		w.str(u.Member)
		w.rng(u.At)
	}
}

func (w *cacheWriter) routeFile(rf *RouteFile) {
	w.str(rf.Path)
	w.str(rf.Hash)
	w.uint(uint64(len(rf.Refs)))
	for _, ref := range rf.Refs {
		w.int(int64(ref.Kind))
		w.str(ref.Object)
		w.str(ref.Method)
		w.rng(ref.At)
		w.int(int64(ref.Args))
		w.bool(ref.Spread)
		w.int(int64(ref.ArgKind))
		w.rng(ref.ArgAt)
		w.str(ref.Recv)
	}
}

// cacheReader is the framing reader (a sticky failure: callers check once per
// record) with the model's own shapes and short strings shared through interned.
type cacheReader struct {
	varbin.Reader
	interned *internTable
}

func (r *cacheReader) str() string {
	b := r.Bytes()
	if len(b) <= 24 {
		return r.interned.get(b)
	}
	return string(b)
}

func (r *cacheReader) bool() bool {
	v := r.Byte()
	if v > 1 {
		r.Fail()
	}
	return v == 1
}

func (r *cacheReader) pos() Pos {
	return Pos{Offset: int32(r.Varint()), Line: int32(r.Varint()), Col16: int32(r.Varint())}
}

// optRng reads a range written as a presence flag and the range.
func (r *cacheReader) optRng() *Range {
	if !r.bool() {
		return nil
	}
	v := r.rng()
	return &v
}

func (r *cacheReader) rng() Range {
	start := r.pos()
	return Range{Start: start, End: r.pos()}
}

func (r *cacheReader) strs() []string {
	n := r.Count()
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = r.str()
	}
	return out
}

func (r *cacheReader) definition() *Definition {
	d := &Definition{Skipped: r.str()}
	if n := r.Count(); n > 0 {
		d.ParseErrors = make([]Range, n)
		for i := range d.ParseErrors {
			d.ParseErrors[i] = r.rng()
		}
	}
	d.Export = ExportKind(r.Varint())
	d.ExportAt = r.rng()
	d.CallAt = r.rng()
	d.Callee = r.str()
	d.CalleeBinding = Binding(r.Varint())
	d.CalleeModule = r.str()
	d.CalleeImported = r.str()
	d.CalleeModuleAt = r.rng()
	d.StateType = r.str()
	d.StateTypeAt = r.rng()
	d.ConfigAt = r.rng()
	d.ConfigIsLiteral = r.bool()
	n := r.Count()
	d.Fields = make(map[string]*Field, n)
	fields := make([]Field, n) // one allocation for all of them
	for i := range n {
		k := r.str()
		if !r.bool() {
			d.Fields[k] = nil
			continue
		}
		fields[i] = Field{Key: r.str(), KeyAt: r.rng(), At: r.rng(), Value: r.rng(), Kind: ValueKind(r.Varint()), Str: r.str(), Bool: r.bool()}
		d.Fields[k] = &fields[i]
	}
	if n := r.Count(); n > 0 {
		d.Methods = make([]Method, n)
		for i := range d.Methods {
			m := &d.Methods[i]
			m.Name, m.NameAt, m.At = r.str(), r.rng(), r.rng()
			m.Form, m.Kind, m.Async = MethodForm(r.Varint()), ValueKind(r.Varint()), r.bool()
			if np := r.Count(); np > 0 {
				m.Params = make([]Param, np)
				for j := range m.Params {
					m.Params[j] = Param{Name: r.str(), Type: r.str(), Optional: r.bool(), Default: r.str(), DefaultKin: ValueKind(r.Varint()), Rest: r.bool(), Context: r.bool()}
				}
			}
			m.ReturnType, m.ComputedKey, m.StringKey = r.str(), r.bool(), r.bool()
		}
	}
	if n := r.Count(); n > 0 {
		d.Unknowns = make([]Unknown, n)
		for i := range d.Unknowns {
			d.Unknowns[i] = Unknown{At: r.rng(), Reason: r.str()}
		}
	}
	d.ExportedTypes = r.strs()
	if n := r.Count(); n > 0 {
		d.ContextUses = make([]ContextUse, n)
		for i := range d.ContextUses {
			d.ContextUses[i] = ContextUse{In: r.str(), Recv: Receiver(r.Varint()), Member: r.str(), At: r.rng(),
				Args: int32(r.Varint()), Spread: r.bool(), ArrayArg: r.optRng(), DDL: r.bool(), Write: r.bool()}
		}
	}
	if n := r.Count(); n > 0 {
		d.ParamUses = make([]ParamUse, n)
		for i := range d.ParamUses {
			d.ParamUses[i] = ParamUse{In: r.str(), Index: int(r.Varint()), Name: r.str(), ParamAt: r.rng(), Member: r.str(), At: r.rng()}
		}
	}
	return d
}

func (r *cacheReader) routeFile() *RouteFile {
	rf := &RouteFile{Path: r.str(), Hash: r.str()}
	if n := r.Count(); n > 0 {
		rf.Refs = make([]RouteRef, n)
		for i := range rf.Refs {
			rf.Refs[i] = RouteRef{Kind: RouteRefKind(r.Varint()), Object: r.str(), Method: r.str(), At: r.rng(),
				Args: int(r.Varint()), Spread: r.bool(), ArgKind: ValueKind(r.Varint()), ArgAt: r.rng(), Recv: r.str()}
		}
	}
	return rf
}

// internTable makes short repeated strings (field keys, type names, kinds of
// text) share one copy. It is a direct-mapped table rather than a map: hashing
// every string through a map cost more than the allocations it saved.
type internTable [1024]string

func (t *internTable) get(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	i := (uint(len(b))*31 + uint(b[0])*7 + uint(b[len(b)-1])*131 + uint(b[len(b)/2])) % uint(len(t))
	if t[i] == string(b) { // compiled without allocating
		return t[i]
	}
	s := string(b)
	t[i] = s
	return s
}
