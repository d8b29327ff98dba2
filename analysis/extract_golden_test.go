package analysis

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/textpos"
	"github.com/cloudwerk/cloudwerk-lsp/internal/testutil"
)

// TestExtractGolden runs every testdata/extract/*.txtar: each archive holds input
// files and a final "summary" file with the expected extraction, printed by
// summarize. Object files (under objects/) get ExtractDefinition, every source
// file gets ExtractRoute, and a cloudwerk.config.* is read with ReadConfig.
func TestExtractGolden(t *testing.T) {
	testutil.EachArchive(t, filepath.Join("testdata", "extract", "*.txtar"), func(t *testing.T, file string, ar *txtar.Archive) {
		got := summarizeArchive(t, ar)
		wantIdx := -1
		for i, f := range ar.Files {
			if f.Name == "summary" {
				wantIdx = i
			}
		}
		if testutil.Update() {
			if wantIdx < 0 {
				ar.Files = append(ar.Files, txtar.File{Name: "summary"})
				wantIdx = len(ar.Files) - 1
			}
			ar.Files[wantIdx].Data = []byte(got)
			if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		if wantIdx < 0 {
			t.Fatalf("%s has no summary section; run with -update", file)
		}
		if want := string(ar.Files[wantIdx].Data); got != want {
			t.Errorf("summary mismatch for %s (run with -update to accept)\n--- got\n%s\n--- want\n%s", file, got, want)
		}
	})
}

func summarizeArchive(t *testing.T, ar *txtar.Archive) string {
	t.Helper()
	var b strings.Builder
	root := t.TempDir()
	hasConfig := false
	for _, f := range ar.Files {
		if f.Name == "summary" {
			continue
		}
		testutil.WriteFile(t, root, f.Name, f.Data)
		if strings.HasPrefix(filepath.Base(f.Name), "cloudwerk.config.") {
			hasConfig = true
			continue
		}
		fmt.Fprintf(&b, "== %s\n", f.Name)
		if strings.Contains(f.Name, "objects/") {
			def := ExtractDefinition(f.Name, f.Data)
			checkRanges(t, f.Name, f.Data, def, nil)
			b.WriteString(summarizeDefinition(def, f.Data))
		}
		rf := ExtractRoute(f.Name, f.Data)
		checkRanges(t, f.Name, f.Data, nil, rf)
		b.WriteString(summarizeRoute(rf, f.Data))
	}
	if hasConfig {
		cfg := ReadConfig(root)
		var src []byte
		if cfg.File != "" {
			src, _ = os.ReadFile(cfg.File)
		}
		fmt.Fprintf(&b, "== config %s\n", filepath.Base(cfg.File))
		fmt.Fprintf(&b, "appDir %q\nextensions %q\n", cfg.AppDir, cfg.Extensions)
		for _, o := range cfg.DurableObjects {
			fmt.Fprintf(&b, "durableObject %s className %q class %q %s\n", o.Binding, o.ClassName, o.ClassPath, fmtRange(o.At))
		}
		if cfg.DurableObjectsOpen {
			b.WriteString("durableObjects open\n")
		}
		for _, is := range cfg.Issues {
			fmt.Fprintf(&b, "issue %s %q: %s\n", fmtRange(is.At), snippet(src, is.At), is.Message)
		}
	}
	return b.String()
}

func fmtPos(p Pos) string     { return fmt.Sprintf("%d:%d", p.Line, p.Col16) }
func fmtRange(r Range) string { return "[" + fmtPos(r.Start) + "-" + fmtPos(r.End) + "]" }

// snippet is the source text a range covers, shortened to keep goldens readable.
func snippet(src []byte, r Range) string {
	if r.Start.Offset < 0 || int(r.End.Offset) > len(src) || r.Start.Offset > r.End.Offset {
		return "<bad range>"
	}
	s := string(src[r.Start.Offset:r.End.Offset])
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 40 {
		s = s[:18] + "…" + s[len(s)-18:]
	}
	return s
}

var exportNames = map[ExportKind]string{ExportNone: "none", ExportDefine: "define", ExportOther: "other"}
var kindNames = map[ValueKind]string{KindUnknown: "unknown", KindString: "string", KindBool: "bool", KindNumber: "number",
	KindFunction: "function", KindObject: "object", KindOther: "other"}
var formNames = map[MethodForm]string{FormMethod: "method", FormArrow: "arrow", FormFunction: "function",
	FormShorthand: "shorthand", FormOther: "other"}
var refNames = map[RouteRefKind]string{RefObjectProperty: "object", RefGetCall: "get", RefStubMethod: "stub-method", RefNamespaceMember: "ns-member"}

func summarizeDefinition(d *Definition, src []byte) string {
	var b strings.Builder
	if d.Skipped != "" {
		fmt.Fprintf(&b, "skipped: %s\n", d.Skipped)
		return b.String()
	}
	for _, e := range d.ParseErrors {
		fmt.Fprintf(&b, "parse error %s %q\n", fmtRange(e), snippet(src, e))
	}
	fmt.Fprintf(&b, "export %s %s %q\n", exportNames[d.Export], fmtRange(d.ExportAt), snippet(src, d.ExportAt))
	if d.Export == ExportDefine {
		fmt.Fprintf(&b, "callee %s call %s", d.Callee, fmtRange(d.CallAt))
		switch d.CalleeBinding {
		case BoundNone:
			b.WriteString(" unbound")
		case BoundLocal:
			b.WriteString(" local")
		default:
			fmt.Fprintf(&b, " import %q from %q", d.CalleeImported, d.CalleeModule)
		}
		b.WriteString("\n")
		if d.StateType != "" {
			fmt.Fprintf(&b, "state %q %s\n", d.StateType, fmtRange(d.StateTypeAt))
		}
		fmt.Fprintf(&b, "config literal=%v %s %q\n", d.ConfigIsLiteral, fmtRange(d.ConfigAt), snippet(src, d.ConfigAt))
	}
	keys := make([]string, 0, len(d.Fields))
	for k := range d.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f := d.Fields[k]
		fmt.Fprintf(&b, "field %s kind=%s key=%s %q value=%s %q at=%s", f.Key, kindNames[f.Kind],
			fmtRange(f.KeyAt), snippet(src, f.KeyAt), fmtRange(f.Value), snippet(src, f.Value), fmtRange(f.At))
		switch f.Kind {
		case KindString:
			fmt.Fprintf(&b, " str=%q", f.Str)
		case KindBool:
			fmt.Fprintf(&b, " bool=%v", f.Bool)
		}
		b.WriteString("\n")
	}
	for _, m := range d.Methods {
		fmt.Fprintf(&b, "method %q form=%s kind=%s async=%v name=%s %q at=%s", m.Name, formNames[m.Form], kindNames[m.Kind],
			m.Async, fmtRange(m.NameAt), snippet(src, m.NameAt), fmtRange(m.At))
		if m.ComputedKey {
			b.WriteString(" computed")
		}
		if m.StringKey {
			b.WriteString(" quoted")
		}
		if m.ReturnType != "" {
			fmt.Fprintf(&b, " returns=%q", m.ReturnType)
		}
		b.WriteString("\n")
		for _, p := range m.Params {
			fmt.Fprintf(&b, "  param %q", p.Name)
			if p.Type != "" {
				fmt.Fprintf(&b, " type=%q", p.Type)
			}
			if p.Optional {
				b.WriteString(" optional")
			}
			if p.Rest {
				b.WriteString(" rest")
			}
			if p.Default != "" {
				fmt.Fprintf(&b, " default=%q (%s)", p.Default, kindNames[p.DefaultKin])
			}
			if p.Context {
				b.WriteString(" context")
			}
			b.WriteString("\n")
		}
	}
	for _, u := range d.Unknowns {
		fmt.Fprintf(&b, "unknown %s %q: %s\n", fmtRange(u.At), snippet(src, u.At), u.Reason)
	}
	for _, u := range d.ContextUses {
		fmt.Fprintf(&b, "ctx %s %s.%s %s", u.In, u.Recv, u.Member, fmtRange(u.At))
		if u.Called() {
			fmt.Fprintf(&b, " call args=%d", u.Args)
			if u.Spread {
				b.WriteString(" spread")
			}
			if u.ArrayArg != nil {
				fmt.Fprintf(&b, " array=%s", fmtRange(*u.ArrayArg))
			}
			if u.DDL {
				b.WriteString(" ddl")
			}
		}
		if u.Write {
			b.WriteString(" write")
		}
		b.WriteString("\n")
	}
	for _, u := range d.ParamUses {
		fmt.Fprintf(&b, "param-use %s #%d %s %s .%s %s\n", u.In, u.Index, u.Name, fmtRange(u.ParamAt), u.Member, fmtRange(u.At))
	}
	if len(d.ExportedTypes) > 0 {
		fmt.Fprintf(&b, "exported types %v\n", d.ExportedTypes)
	}
	return b.String()
}

func summarizeRoute(rf *RouteFile, src []byte) string {
	if rf == nil {
		return "route: none\n"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "route: %d refs\n", len(rf.Refs))
	for _, r := range rf.Refs {
		fmt.Fprintf(&b, "ref %s object=%q", refNames[r.Kind], r.Object)
		if r.Method != "" {
			fmt.Fprintf(&b, " method=%q", r.Method)
		}
		fmt.Fprintf(&b, " %s %q", fmtRange(r.At), snippet(src, r.At))
		if (r.Kind == RefStubMethod || r.Kind == RefNamespaceMember) && r.Args >= 0 {
			fmt.Fprintf(&b, " args=%d", r.Args)
			if r.Spread {
				b.WriteString(" spread")
			}
			if r.Args > 0 {
				fmt.Fprintf(&b, " arg0=%s %s %q", kindNames[r.ArgKind], fmtRange(r.ArgAt), snippet(src, r.ArgAt))
			}
		}
		if r.Recv != "" {
			fmt.Fprintf(&b, " recv=%q", r.Recv)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// checkRanges asserts every range lies inside the file and that its Line/Col16
// agree with a fresh line index (so goldens cannot hide a wrong conversion).
func checkRanges(t *testing.T, name string, src []byte, d *Definition, rf *RouteFile) {
	t.Helper()
	for _, r := range collectRanges(d, rf) {
		if err := validRange(src, r); err != "" {
			t.Errorf("%s: %s", name, err)
		}
	}
}

func collectRanges(d *Definition, rf *RouteFile) []Range {
	var rs []Range
	if d != nil {
		rs = append(rs, d.ParseErrors...)
		rs = append(rs, d.ExportAt, d.CallAt, d.StateTypeAt, d.ConfigAt, d.CalleeModuleAt)
		for _, f := range d.Fields {
			rs = append(rs, f.KeyAt, f.At, f.Value)
		}
		for _, m := range d.Methods {
			rs = append(rs, m.NameAt, m.At)
		}
		for _, u := range d.Unknowns {
			rs = append(rs, u.At)
		}
		for _, u := range d.ContextUses {
			rs = append(rs, u.At)
			if u.ArrayArg != nil {
				rs = append(rs, *u.ArrayArg)
			}
		}
		for _, u := range d.ParamUses {
			rs = append(rs, u.At, u.ParamAt)
		}
	}
	if rf != nil {
		for _, r := range rf.Refs {
			rs = append(rs, r.At, r.ArgAt)
		}
	}
	return rs
}

func validRange(src []byte, r Range) string {
	if r.Start.Offset < 0 || int(r.End.Offset) > len(src) || r.Start.Offset > r.End.Offset {
		return fmt.Sprintf("range %+v outside the file (len %d)", r, len(src))
	}
	idx := textpos.NewLineIndex(src)
	for _, p := range []Pos{r.Start, r.End} {
		if want := idx.Pos(int(p.Offset)); want != p {
			return fmt.Sprintf("pos %+v does not match the line index (%+v)", p, want)
		}
	}
	return ""
}

// TestExtractLineEndings runs every extraction fixture with its line ends
// written as "\n", "\r\n" and a lone "\r": LSP counts all three, so every range
// (line and UTF-16 column) and every extracted fact must be the same in all
// three; only byte offsets and the line ends inside extracted text differ.
func TestExtractLineEndings(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "extract", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures (%v)", err)
	}
	styles := []struct{ name, eol string }{{"lf", "\n"}, {"crlf", "\r\n"}, {"cr", "\r"}}
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var want string
		for _, style := range styles {
			t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar")+"/"+style.name, func(t *testing.T) {
				conv := &txtar.Archive{}
				for _, f := range ar.Files {
					if f.Name == "summary" {
						continue
					}
					lf := strings.ReplaceAll(strings.ReplaceAll(string(f.Data), "\r\n", "\n"), "\r", "\n")
					conv.Files = append(conv.Files, txtar.File{Name: f.Name, Data: []byte(strings.ReplaceAll(lf, "\n", style.eol))})
				}
				got := sameLineEnds(summarizeArchive(t, conv))
				if want == "" {
					want = got
					return
				}
				if got != want {
					t.Errorf("%s endings give another extraction than \\n endings\n--- got\n%s\n--- want\n%s", style.name, got, want)
				}
			})
		}
	}
}

// sameLineEnds writes the line ends a summary quotes (inside %q strings) as \n.
func sameLineEnds(s string) string {
	return strings.NewReplacer(`\r\n`, `\n`, `\r`, `\n`).Replace(s)
}
