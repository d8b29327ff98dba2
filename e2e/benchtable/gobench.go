// This file defines the figures taken from the packages' Go benchmarks (the
// server, which is measured at its engine boundary, and tree-sitter's own parse):
// one test binary per package, run with -count, parsed into samples.

package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// benchRow is one line of the table measured by a Go benchmark (Bench in Pkg,
// "Name/sub" as go test prints it without the -N suffix), in Unit; or, with
// Num/Den, the ratio of two such benchmarks' medians.
type benchRow struct {
	Figure   string
	N        string
	Pkg      string
	Bench    string
	Unit     string  // "ns/op" or a custom metric such as "MB-rss"
	Target   float64 // in Unit (or a factor for ratio rows); 0 when none
	Baseline string  // a reference figure, quoted
	Quick    bool    // also run with -quick
	MaxCount int     // runs at most this many times (loading 100,000 files takes minutes); 0: -count
	Num, Den string  // ratio rows: "pkg bench"
}

var benchRows = []benchRow{
	{Figure: "server: edit -> diagnostics, 1.4 KB file", N: "10", Pkg: "lsp", Bench: "BenchmarkServerEdit/file=1.4KB/objects=10", Unit: "ns/op", Target: 100e3, Quick: true},
	{Figure: "server: edit -> diagnostics, 1.4 KB file", N: "10,000", Pkg: "lsp", Bench: "BenchmarkServerEdit/file=1.4KB/objects=10000", Unit: "ns/op", Target: 100e3},
	{Figure: "server: edit, 1.4 KB file, 10,000 vs 10 objects", N: "-", Unit: "x", Target: 1.5,
		Num: "lsp BenchmarkServerEdit/file=1.4KB/objects=10000", Den: "lsp BenchmarkServerEdit/file=1.4KB/objects=10"},
	{Figure: "server: edit -> diagnostics, 190-method file", N: "10", Pkg: "lsp", Bench: "BenchmarkServerEdit/file=190methods/objects=10", Unit: "ns/op", Target: 1e6, Quick: true},
	{Figure: "server: edit -> diagnostics, 190-method file", N: "10,000", Pkg: "lsp", Bench: "BenchmarkServerEdit/file=190methods/objects=10000", Unit: "ns/op", Target: 1e6},
	{Figure: "server: edit, 190-method file, 10,000 vs 10 objects", N: "-", Unit: "x", Target: 1.5,
		Num: "lsp BenchmarkServerEdit/file=190methods/objects=10000", Den: "lsp BenchmarkServerEdit/file=190methods/objects=10"},
	{Figure: "server: RSS after loading and diagnosing", N: "10,000", Pkg: "lsp", Bench: "BenchmarkServerRSS/objects=10000", Unit: "MB-rss", Target: 80, MaxCount: 3},
	{Figure: "server: RSS after loading and diagnosing", N: "100,000", Pkg: "lsp", Bench: "BenchmarkServerRSS/objects=100000", Unit: "MB-rss", Target: 400, MaxCount: 3},
	{Figure: "tree-sitter parse, 1.4 KB object (C malloc)", N: "1", Pkg: "analysis", Bench: "BenchmarkParse/c-malloc", Unit: "ns/op", Baseline: "195 µs on the reference machine", Quick: true},
	{Figure: "tree-sitter parse, 1.4 KB object (Go allocator callbacks)", N: "1", Pkg: "analysis", Bench: "BenchmarkParse/go-callbacks", Unit: "ns/op", Baseline: "250 µs on the reference machine"},
	{Figure: "tree-sitter re-parse after a 1-char edit", N: "1", Pkg: "analysis", Bench: "BenchmarkReparseOneChar", Unit: "ns/op", Baseline: "30-36 µs on the reference machine"},
}

// measureGoBenchmarks runs the benchmarks behind benchRows and returns their
// lines, plus notes on what could not be measured.
func measureGoBenchmarks(root, tmp string, count int, quick, verbose bool) ([]line, []string) {
	rows := benchRows
	if quick {
		rows = slices.DeleteFunc(slices.Clone(rows), func(r benchRow) bool { return !r.Quick })
	}
	results := map[string][]float64{} // "pkg bench unit" -> samples
	var problems []string
	for _, pkg := range packagesOf(rows) {
		dir := filepath.Join(root, pkg)
		if !hasBenchmarks(dir) {
			problems = append(problems, pkg+": package has no benchmarks")
			continue
		}
		// Compile once, then run the binary once per top-level benchmark so each
		// gets its own sub-benchmark filter.
		bin := filepath.Join(tmp, strings.ReplaceAll(pkg, "/", "_")+".test")
		if out, err := run(root, verbose, "go", "test", "-c", "-o", bin, "./"+pkg); err != nil {
			problems = append(problems, pkg+": build failed: "+lastLine(out))
			continue
		}
		for _, pattern := range benchPatterns(benchmarksOf(rows, pkg)) {
			args := []string{"-test.run", "^$", "-test.bench", pattern, "-test.count", strconv.Itoa(countFor(rows, pattern, count))}
			if quick {
				args = append(args, "-test.benchtime", "100x")
			}
			out, err := run(dir, verbose, bin, args...)
			for key, vs := range parseBenchOutput(out) {
				results[pkg+" "+key] = append(results[pkg+" "+key], vs...)
			}
			if err != nil {
				problems = append(problems, pkg+": benchmark failed: "+lastLine(out))
			}
		}
	}
	var out []line
	for _, r := range rows {
		out = append(out, benchLine(r, results))
	}
	return out, problems
}

// benchLine turns one row's samples into a table line.
func benchLine(r benchRow, results map[string][]float64) line {
	l := line{figure: r.Figure, n: r.N, baseline: r.Baseline}
	scale, unit := 1.0, "ns"
	if r.Unit == "MB-rss" {
		unit = "MB"
	}
	if r.Num != "" {
		num, den := results[r.Num+" ns/op"], results[r.Den+" ns/op"]
		if len(num) == 0 || len(den) == 0 {
			l.err = "not measured"
			return l
		}
		v := median(num) / median(den)
		l.unit, l.samples = "x", []float64{v}
		l.target = fmt.Sprintf("<= %.1fx", r.Target)
		l.verdict = verdict(v <= r.Target)
		return l
	}
	vs := results[r.Pkg+" "+r.Bench+" "+r.Unit]
	if len(vs) == 0 {
		l.err = "not measured"
		return l
	}
	for i := range vs {
		vs[i] *= scale
	}
	l.unit, l.samples = unit, vs
	if cpu := results[r.Pkg+" "+r.Bench+" cpu-ns/op"]; len(cpu) > 0 {
		l.cpu = median(cpu)
	}
	if r.Target > 0 {
		l.target = "<= " + formatValue(r.Target, unit)
		l.verdict = verdict(median(vs) <= r.Target)
	}
	return l
}

// countFor is the -count for a pattern: count, or less when a row it selects says so.
func countFor(rs []benchRow, pattern string, count int) int {
	for _, r := range rs {
		top, _, _ := strings.Cut(r.Bench, "/")
		if r.MaxCount > 0 && strings.HasPrefix(pattern, "^"+regexp.QuoteMeta(top)+"$") {
			count = min(count, r.MaxCount)
		}
	}
	return count
}

func packagesOf(rs []benchRow) []string {
	var pkgs []string
	for _, r := range rs {
		if r.Pkg != "" && !slices.Contains(pkgs, r.Pkg) {
			pkgs = append(pkgs, r.Pkg)
		}
	}
	return pkgs
}

// benchmarksOf lists the benchmarks of pkg the rows need.
func benchmarksOf(rs []benchRow, pkg string) []string {
	var out []string
	for _, r := range rs {
		if r.Pkg == pkg && r.Bench != "" {
			out = append(out, r.Bench)
		}
	}
	return out
}

// benchPatterns returns one -bench pattern per top-level benchmark selecting the
// "Top/sub/..." benchmarks asked for. go test matches each level of a name
// separately, so each level gets the alternatives asked for at that level (a
// superset when two names differ at two levels); "Top" alone selects all subs.
func benchPatterns(benches []string) []string {
	var tops []string
	levels := map[string][][]string{} // top -> per level below it, the alternatives
	for _, b := range benches {
		parts := strings.Split(b, "/")
		top := parts[0]
		if !slices.Contains(tops, top) {
			tops = append(tops, top)
		}
		for i, p := range parts[1:] {
			if len(levels[top]) <= i {
				levels[top] = append(levels[top], nil)
			}
			if q := regexp.QuoteMeta(p); !slices.Contains(levels[top][i], q) {
				levels[top][i] = append(levels[top][i], q)
			}
		}
	}
	var out []string
	for _, top := range tops {
		p := "^" + regexp.QuoteMeta(top) + "$"
		for _, alts := range levels[top] {
			p += "/^(" + strings.Join(alts, "|") + ")$"
		}
		out = append(out, p)
	}
	return out
}

// hasBenchmarks reports whether dir holds a test file declaring a benchmark.
func hasBenchmarks(dir string) bool {
	files, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
	for _, f := range files {
		if b, err := os.ReadFile(f); err == nil && bytes.Contains(b, []byte("func Benchmark")) {
			return true
		}
	}
	return false
}

var gomaxprocsSuffix = regexp.MustCompile(`-\d+$`)

// parseBenchOutput reads go test -bench output into "Name/sub unit" -> samples
// (one sample per -count run), with the -GOMAXPROCS suffix removed.
func parseBenchOutput(out string) map[string][]float64 {
	res := map[string][]float64{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue // a benchmark's own log line, not a result
		}
		name := gomaxprocsSuffix.ReplaceAllString(f[0], "")
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			key := name + " " + f[i+1]
			res[key] = append(res[key], v)
		}
	}
	return res
}
