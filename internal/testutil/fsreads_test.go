package testutil

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// recordedPackages are the packages a `check` or `generate` run executes: the
// run memo (runmemo) replays such a run when every input it recorded is
// unchanged, so each of their reads must go through analysis/safefs, which
// records it. The language server is not memoized.
var recordedPackages = []string{
	"analysis", "analysis/safefs", "analysis/textpos", "analysis/wrangler",
	"codegen", "diagnostics", "runmemo", "cmd/cloudwerk-lsp",
}

// fsReads are the calls that read the file system (or start a process that
// could) without recording it.
var fsReads = map[string][]string{
	"os":                    {"Stat", "Lstat", "ReadDir", "ReadFile", "Open", "OpenFile", "Readlink", "DirFS", "OpenRoot", "OpenInRoot"},
	"path/filepath":         {"Walk", "WalkDir", "Glob", "EvalSymlinks"},
	"io/fs":                 {"ReadFile", "ReadDir", "WalkDir", "Glob", "Stat", "Sub"},
	"io/ioutil":             {"ReadFile", "ReadDir"},
	"syscall":               {"Open", "Openat", "Stat", "Lstat", "Fstat", "Fstatat", "Getdents", "ReadDirent", "Readlink", "Access", "Faccessat", "Statfs"},
	"golang.org/x/sys/unix": {"Open", "Openat", "Openat2", "Stat", "Lstat", "Fstat", "Fstatat", "Statx", "Getdents", "ReadDirent", "Readlink", "Readlinkat", "Access", "Faccessat", "Statfs"},
	"os/exec":               {"Command", "CommandContext"},
}

// unrecordedReads are the functions allowed to read without recording, and why.
// A whole file is named by "file.go:*".
var unrecordedReads = map[string]string{
	"analysis/safefs/record.go:*":        "the recording layer itself",
	"analysis/safefs/read_unix.go:*":     "the safe reader, which records from the descriptor's fstat",
	"analysis/safefs/read_other.go:*":    "the safe reader (a record made here is never trusted)",
	"analysis/safefs/check_linux.go:*":   "checks recorded stamps again",
	"analysis/safefs/stamp_unix.go:*":    "takes and checks stamps",
	"analysis/cache.go:pruneCache":       "lists the tool's own cache folder",
	"analysis/cache.go:cacheKey":         "stamps the executable, part of every key",
	"codegen/samecontent_linux.go:*":     "the generated-file reader: records each fstat and stat with safefs.RecordStat",
	"codegen/samecontent_other.go:*":     "opens only after a recorded safefs.Stat of the same path",
	"codegen/atomic.go:writeFileAtomic":  "write path: a run that writes stores no memo",
	"codegen/atomic.go:syncDir":          "write path: a run that writes stores no memo",
	"codegen/atomic.go:removeStaleTemps": "write path: a run that writes stores no memo",
	"codegen/lock_unix.go:lockPath":      "write path: a run that writes stores no memo",
	"codegen/lock_other.go:lockPath":     "write path: a run that writes stores no memo",
	"cmd/cloudwerk-lsp/serve.go:*":       "the language server is never memoized",
}

// TestReadsAreRecorded fails when a package that check or generate runs reads
// the file system other than through analysis/safefs: such a read would escape
// the run memo's record, and a change to what it reads could replay a stale
// output.
func TestReadsAreRecorded(t *testing.T) {
	used := map[string]bool{}
	for name, file := range recordedFiles(t) {
		for _, bad := range unrecordedCalls(t, file) {
			key := name + ":" + bad.fn
			switch {
			case unrecordedReads[name+":*"] != "":
				used[name+":*"] = true
			case unrecordedReads[key] != "":
				used[key] = true
			default:
				t.Errorf("%s: %s reads the file system with %s; use analysis/safefs (recorded for the run memo), or add it to unrecordedReads with the reason it cannot change a run's output", name, bad.fn, bad.call)
			}
		}
	}
	var stale []string
	for k := range unrecordedReads {
		if !used[k] {
			stale = append(stale, k)
		}
	}
	sort.Strings(stale)
	for _, k := range stale {
		t.Errorf("unrecordedReads lists %s, which reads nothing any more: remove it", k)
	}
}

// recordedFiles maps the recorded packages' non-test files ("pkg/file.go") to their paths.
func recordedFiles(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, pkg := range recordedPackages {
		files, err := filepath.Glob(filepath.Join("..", "..", filepath.FromSlash(pkg), "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("package %s: no files (%v)", pkg, err)
		}
		for _, file := range files {
			if !strings.HasSuffix(file, "_test.go") {
				out[pkg+"/"+filepath.Base(file)] = file
			}
		}
	}
	return out
}

type fsCall struct{ fn, call string }

// unrecordedCalls returns the fsReads calls in file, with their enclosing function.
func unrecordedCalls(t *testing.T, file string) []fsCall {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	f, err := parser.ParseFile(token.NewFileSet(), file, src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	imports := map[string]string{} // local name -> path
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		name := path[strings.LastIndex(path, "/")+1:]
		if imp.Name != nil {
			name = imp.Name.Name
		}
		imports[name] = path
	}
	var out []fsCall
	for _, decl := range f.Decls {
		fn := "(top level)"
		switch d := decl.(type) {
		case *ast.FuncDecl:
			fn = d.Name.Name
		case *ast.GenDecl: // var x = func() {...}
			if len(d.Specs) == 1 {
				if v, ok := d.Specs[0].(*ast.ValueSpec); ok {
					fn = v.Names[0].Name
				}
			}
		}
		ast.Inspect(decl, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			id, ok := sel.X.(*ast.Ident)
			if !ok {
				return true
			}
			path, ok := imports[id.Name]
			if !ok {
				return true
			}
			for _, name := range fsReads[path] {
				if sel.Sel.Name == name {
					out = append(out, fsCall{fn: fn, call: id.Name + "." + name})
				}
			}
			return true
		})
	}
	return out
}

// envReads are the environment each recorded package may read, by the
// argument's expression, and why a replayed run stays right: a variable that
// changes output must be in the run memo's key (runmemo.OutputEnv).
var envReads = map[string]string{
	"analysis/cache.go:CacheEnv":                 "in runmemo.OutputEnv",
	"analysis/cache.go:(none)":                   "os.UserCacheDir: where the caches (and the memo) live",
	"cmd/cloudwerk-lsp/gc.go:\"GOGC\"":           "collector tuning, no output",
	"cmd/cloudwerk-lsp/gc.go:\"GOMEMLIMIT\"":     "collector tuning, no output",
	"cmd/cloudwerk-lsp/profile.go:cpuProfileEnv": "profiling writes a side file, no output",
	"cmd/cloudwerk-lsp/profile.go:memProfileEnv": "profiling writes a side file, no output",
	"runmemo/runmemo.go:Env":                     "turns the memo itself off",
	"runmemo/runmemo.go:name":                    "the key itself (each of runmemo.OutputEnv)",
}

// TestEnvironmentIsKeyed fails when a recorded package reads an environment
// variable that envReads does not account for.
func TestEnvironmentIsKeyed(t *testing.T) {
	used := map[string]bool{}
	for name, file := range recordedFiles(t) {
		for _, arg := range envCalls(t, file) {
			key := name + ":" + arg
			if envReads[key] == "" {
				t.Errorf("%s reads the environment (%s); if it can change a check or generate output, add it to runmemo.OutputEnv, then to envReads", name, arg)
			}
			used[key] = true
		}
	}
	for k := range envReads {
		if !used[k] {
			t.Errorf("envReads lists %s, which is read nowhere any more: remove it", k)
		}
	}
}

// envCalls returns the argument expressions of the environment reads in file
// ("(none)" for a call without one, like os.Environ).
func envCalls(t *testing.T, file string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if id, ok := sel.X.(*ast.Ident); !ok || id.Name != "os" {
			return true
		}
		switch sel.Sel.Name {
		case "Getenv", "LookupEnv", "Environ", "ExpandEnv", "UserCacheDir", "UserHomeDir", "UserConfigDir":
			arg := "(none)"
			if len(call.Args) > 0 {
				switch a := call.Args[0].(type) {
				case *ast.Ident:
					arg = a.Name
				case *ast.BasicLit:
					arg = a.Value
				default:
					arg = "(expression)"
				}
			}
			out = append(out, arg)
		}
		return true
	})
	return out
}
