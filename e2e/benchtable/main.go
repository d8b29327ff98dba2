// Command benchtable runs the project's benchmarks and prints the performance
// table of SPEC §11: each metric with its target, the measured median, the ratio
// to the target and Cloudwerk's measured baseline.
//
//	go run ./e2e/benchtable            # count=5, every size
//	go run ./e2e/benchtable -quick     # count=1, small sizes only
//
// Packages or benchmarks that do not exist (yet) are reported as missing; the
// other rows are still measured.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
)

// row is one line of the table. A row measures Bench (in Pkg, "Name/sub" as
// printed by go test without the -N suffix) in Unit, unless Ratio derives it from
// two other rows.
type row struct {
	Metric   string
	Pkg      string
	Bench    string
	Unit     string  // "ns/op" or a custom metric such as "MB-rss"
	Target   float64 // in Unit; 0 when the spec sets none
	Baseline string  // Cloudwerk's figure from SPEC §11, or a reference measurement
	Large    bool    // skipped with -quick
	// Ratio rows: Measured = value(Num) / value(Den), target Target (a factor).
	Num, Den string
}

// rows is SPEC §11, plus the load pipeline figures that feed `check`.
var rows = []row{
	{Metric: "check, 100 objects (end-to-end)", Pkg: "diagnostics", Bench: "BenchmarkCheck/objects=100", Unit: "ns/op", Target: 25e6, Baseline: "106 ms / 52 MB"},
	{Metric: "check, 1,000 objects", Pkg: "diagnostics", Bench: "BenchmarkCheck/objects=1000", Unit: "ns/op", Baseline: "134 ms"},
	{Metric: "check, 10,000 objects, cold", Pkg: "diagnostics", Bench: "BenchmarkCheck/objects=10000", Unit: "ns/op", Target: 1.2e9, Baseline: "364 ms / 135 MB", Large: true},
	{Metric: "check, 10,000 objects, warm cache", Pkg: "diagnostics", Bench: "BenchmarkCheckWarm/objects=10000", Unit: "ns/op", Target: 150e6, Baseline: "364 ms (no cache)", Large: true},
	{Metric: "server edit -> diagnostics, 10 objects", Pkg: "lsp", Bench: "BenchmarkServerEdit/objects=10", Unit: "ns/op", Target: 100e3, Baseline: "-"},
	{Metric: "server edit -> diagnostics, 10,000 objects", Pkg: "lsp", Bench: "BenchmarkServerEdit/objects=10000", Unit: "ns/op", Target: 100e3, Baseline: "-", Large: true},
	{Metric: "server edit, 10,000 vs 10 objects", Unit: "x", Target: 1.5, Baseline: "-", Large: true,
		Num: "lsp BenchmarkServerEdit/objects=10000", Den: "lsp BenchmarkServerEdit/objects=10"},
	{Metric: "server RSS, 10,000 objects", Pkg: "lsp", Bench: "BenchmarkServerRSS", Unit: "MB-rss", Target: 80, Baseline: "135 MB (CLI run)", Large: true},
	{Metric: "generate, 10,000 objects", Pkg: "codegen", Bench: "BenchmarkGenerate/objects=10000", Unit: "ns/op", Target: 150e6, Baseline: "-", Large: true},
	{Metric: "load app (analysis), 100 objects, cold", Pkg: "analysis", Bench: "BenchmarkLoadApp/objects=100", Unit: "ns/op", Baseline: "106 ms"},
	{Metric: "load app (analysis), 1,000 objects, cold", Pkg: "analysis", Bench: "BenchmarkLoadApp/objects=1000", Unit: "ns/op", Baseline: "134 ms"},
	{Metric: "load app (analysis), 10,000 objects, cold", Pkg: "analysis", Bench: "BenchmarkLoadApp/objects=10000", Unit: "ns/op", Baseline: "364 ms", Large: true},
	{Metric: "load app (analysis), 10,000 objects, warm", Pkg: "analysis", Bench: "BenchmarkLoadAppWarm/objects=10000", Unit: "ns/op", Target: 150e6, Baseline: "364 ms (no cache)", Large: true},
	{Metric: "manifest update, 10,000 objects", Pkg: "analysis", Bench: "BenchmarkManifestWith/objects=10000", Unit: "ns/op", Baseline: "-", Large: true},
	{Metric: "tree-sitter parse, 1.4 KB object (Go allocator callbacks)", Pkg: "analysis", Bench: "BenchmarkParse/go-callbacks", Unit: "ns/op", Baseline: "250 µs (reference)"},
	{Metric: "tree-sitter parse, 1.4 KB object (C malloc)", Pkg: "analysis", Bench: "BenchmarkParse/c-malloc", Unit: "ns/op", Baseline: "195 µs (reference)"},
	{Metric: "re-parse after a 1-char edit", Pkg: "analysis", Bench: "BenchmarkReparseOneChar", Unit: "ns/op", Baseline: "30-36 µs (reference)"},
}

func main() {
	count := flag.Int("count", 5, "runs per benchmark; the table shows the median")
	quick := flag.Bool("quick", false, "count=1 and small sizes only")
	benchtime := flag.String("benchtime", "", "passed to go test -benchtime (default: go's)")
	verbose := flag.Bool("v", false, "echo go test output to stderr")
	flag.Parse()
	if *quick {
		*count = 1
	}
	root, err := moduleRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(2)
	}

	tmp, err := os.MkdirTemp("", "benchtable-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(2)
	}
	defer os.RemoveAll(tmp)

	results := map[string][]float64{} // "pkg bench unit" -> samples
	problems := map[string]string{}   // pkg -> why it was not measured
	for _, pkg := range packagesOf(rows) {
		benches := benchmarksOf(rows, pkg, *quick)
		if len(benches) == 0 {
			continue
		}
		dir := filepath.Join(root, pkg)
		if !hasBenchmarks(dir) {
			problems[pkg] = "package has no benchmarks"
			continue
		}
		// Compile once, then run the binary once per top-level benchmark so each
		// gets its own sub-benchmark filter.
		bin := filepath.Join(tmp, strings.ReplaceAll(pkg, "/", "_")+".test")
		if out, err := run(root, *verbose, "go", "test", "-c", "-o", bin, "./"+pkg); err != nil {
			problems[pkg] = "build failed: " + lastLine(out)
			continue
		}
		for _, pattern := range benchPatterns(benches) {
			args := []string{"-test.run", "^$", "-test.bench", pattern, "-test.count", strconv.Itoa(*count), "-test.benchmem"}
			if *benchtime != "" {
				args = append(args, "-test.benchtime", *benchtime)
			}
			out, err := run(dir, *verbose, bin, args...)
			for key, vs := range parseBenchOutput(out) {
				results[pkg+" "+key] = append(results[pkg+" "+key], vs...)
			}
			if err != nil {
				problems[pkg] = "benchmark failed: " + lastLine(out)
			}
		}
	}

	fmt.Printf("Performance (SPEC §11): median of %d run(s); %s, GOMAXPROCS=%d, %s/%s\n\n", *count, runtime.Version(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)
	fmt.Print(renderTable(rows, results, problems, *quick))
}

// moduleRoot is the folder of the main module's go.mod.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("not inside a Go module")
	}
	return filepath.Dir(mod), nil
}

func packagesOf(rs []row) []string {
	var pkgs []string
	for _, r := range rs {
		if r.Pkg != "" && !slices.Contains(pkgs, r.Pkg) {
			pkgs = append(pkgs, r.Pkg)
		}
	}
	return pkgs
}

// benchmarksOf lists the benchmarks of pkg the table needs.
func benchmarksOf(rs []row, pkg string, quick bool) []string {
	var out []string
	for _, r := range rs {
		if r.Pkg == pkg && r.Bench != "" && !(quick && r.Large) {
			out = append(out, r.Bench)
		}
	}
	return out
}

// benchPatterns returns one -bench pattern per top-level benchmark, selecting
// exactly the "Top/sub" benchmarks asked for ("Top" alone selects all its subs).
func benchPatterns(benches []string) []string {
	var tops []string
	subs := map[string][]string{}
	for _, b := range benches {
		top, sub, _ := strings.Cut(b, "/")
		if !slices.Contains(tops, top) {
			tops = append(tops, top)
		}
		if sub != "" {
			subs[top] = append(subs[top], regexp.QuoteMeta(sub))
		}
	}
	var out []string
	for _, top := range tops {
		p := "^" + regexp.QuoteMeta(top) + "$"
		if len(subs[top]) > 0 {
			p += "/^(" + strings.Join(subs[top], "|") + ")$"
		}
		out = append(out, p)
	}
	return out
}

// run runs a command in dir and returns its combined output.
func run(dir string, verbose bool, name string, args ...string) (string, error) {
	fmt.Fprintf(os.Stderr, "benchtable: %s %s\n", filepath.Base(name), strings.Join(args, " "))
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	var sink io.Writer = &out
	if verbose {
		sink = io.MultiWriter(&out, os.Stderr)
	}
	cmd.Stdout, cmd.Stderr = sink, sink
	err := cmd.Run()
	return out.String(), err
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

func median(vs []float64) float64 {
	s := slices.Clone(vs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// renderTable formats the table as Markdown.
func renderTable(rs []row, results map[string][]float64, problems map[string]string, quick bool) string {
	var b strings.Builder
	b.WriteString("| metric | target | measured (median) | ratio to target | Cloudwerk baseline |\n")
	b.WriteString("|---|---|---|---|---|\n")
	value := func(pkgBench, unit string) (float64, bool) {
		vs := results[pkgBench+" "+unit]
		if len(vs) == 0 {
			return 0, false
		}
		return median(vs), true
	}
	var notes []string
	for _, r := range rs {
		target, measured, ratio := "-", "", "-"
		if r.Target > 0 {
			target = "<= " + formatValue(r.Target, r.Unit)
		}
		var v float64
		var ok bool
		switch {
		case quick && r.Large:
			measured = "not run (-quick)"
		case r.Num != "":
			num, ok1 := value(r.Num, "ns/op")
			den, ok2 := value(r.Den, "ns/op")
			if ok = ok1 && ok2 && den > 0; ok {
				v = num / den
			} else {
				measured = "missing"
			}
		default:
			if v, ok = value(r.Pkg+" "+r.Bench, r.Unit); !ok {
				measured = "missing"
				if why := problems[r.Pkg]; why != "" && !slices.Contains(notes, r.Pkg+": "+why) {
					notes = append(notes, r.Pkg+": "+why)
				}
			}
		}
		if ok {
			measured = formatValue(v, r.Unit)
			if r.Target > 0 {
				verdict := "ok"
				if v > r.Target {
					verdict = "OVER"
				}
				ratio = fmt.Sprintf("%.2f %s", v/r.Target, verdict)
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", r.Metric, target, measured, ratio, r.Baseline)
	}
	// The parse reference was measured on the baseline machine: how far this run's
	// parse is from it says how comparable the other figures are (not scaled).
	if v, ok := value("analysis BenchmarkParse/go-callbacks", "ns/op"); ok {
		notes = append(notes, fmt.Sprintf("calibration: tree-sitter parse took %s here against 250 µs on the baseline machine (%.1fx); the figures above are raw", formatValue(v, "ns/op"), v/250e3))
	}
	if len(notes) > 0 {
		b.WriteString("\n")
		for _, n := range notes {
			b.WriteString("note: " + n + "\n")
		}
	}
	return b.String()
}

// formatValue prints a figure in a readable unit.
func formatValue(v float64, unit string) string {
	switch unit {
	case "ns/op":
		switch {
		case v >= 1e9:
			return fmt.Sprintf("%.2f s", v/1e9)
		case v >= 1e6:
			return fmt.Sprintf("%.1f ms", v/1e6)
		case v >= 1e3:
			return fmt.Sprintf("%.1f µs", v/1e3)
		default:
			return fmt.Sprintf("%.0f ns", v)
		}
	case "MB-rss":
		return fmt.Sprintf("%.1f MB", v)
	case "x":
		return fmt.Sprintf("%.2fx", v)
	}
	return fmt.Sprintf("%g %s", v, unit)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
