package main

import (
	"regexp"
	"strings"
	"testing"
)

const sampleOutput = `goos: linux
goarch: amd64
pkg: github.com/cloudwerk/cloudwerk-lsp/lsp
cpu: AMD EPYC
BenchmarkServerEdit/objects=10-2         	   20000	     61000 ns/op	    4184 B/op	      27 allocs/op
BenchmarkServerEdit/objects=10-2         	   20000	     59000 ns/op	    4184 B/op	      27 allocs/op
BenchmarkServerEdit/objects=10-2         	   20000	     70000 ns/op	    4184 B/op	      27 allocs/op
BenchmarkServerEdit/objects=10000-2      	   10000	     80000 ns/op	  111016 B/op	      47 allocs/op
BenchmarkServerEdit/objects=10000-2      	   10000	     90000 ns/op	  111016 B/op	      47 allocs/op
BenchmarkServerRSS-2                     	       1	 912345678 ns/op	        71.50 MB-rss
BenchmarkServerRSS: server_test.go:12: a log line the benchmark printed
PASS
ok  	github.com/cloudwerk/cloudwerk-lsp/lsp	12.3s
`

func TestParseBenchOutput(t *testing.T) {
	res := parseBenchOutput(sampleOutput)
	for key, want := range map[string]int{
		"BenchmarkServerEdit/objects=10 ns/op":    3,
		"BenchmarkServerEdit/objects=10000 ns/op": 2,
		"BenchmarkServerEdit/objects=10 B/op":     3,
		"BenchmarkServerRSS MB-rss":               1,
	} {
		if got := len(res[key]); got != want {
			t.Errorf("%s: %d samples, want %d (%v)", key, got, want, res)
		}
	}
	if got := median(res["BenchmarkServerEdit/objects=10 ns/op"]); got != 61000 {
		t.Errorf("median = %v, want 61000", got)
	}
	if got := median(res["BenchmarkServerEdit/objects=10000 ns/op"]); got != 85000 {
		t.Errorf("even median = %v, want 85000", got)
	}
}

func TestBenchPatterns(t *testing.T) {
	got := benchPatterns([]string{"BenchmarkCheck/objects=100", "BenchmarkCheck/objects=10000", "BenchmarkCheckWarm/objects=10000", "BenchmarkServerRSS"})
	want := []string{"^BenchmarkCheck$/^(objects=100|objects=10000)$", "^BenchmarkCheckWarm$/^(objects=10000)$", "^BenchmarkServerRSS$"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("patterns = %q, want %q", got, want)
	}
	top := regexp.MustCompile(strings.Split(got[0], "/")[0])
	if top.MatchString("BenchmarkCheckWarm") || !top.MatchString("BenchmarkCheck") {
		t.Error("top-level pattern is not anchored")
	}
}

func TestRenderTable(t *testing.T) {
	results := map[string][]float64{}
	for k, v := range parseBenchOutput(sampleOutput) {
		results["lsp "+k] = v
	}
	rs := []row{
		{Metric: "edit 10", Pkg: "lsp", Bench: "BenchmarkServerEdit/objects=10", Unit: "ns/op", Target: 100e3, Baseline: "-"},
		{Metric: "edit 10k", Pkg: "lsp", Bench: "BenchmarkServerEdit/objects=10000", Unit: "ns/op", Target: 80e3, Baseline: "-"},
		{Metric: "ratio", Unit: "x", Target: 1.5, Num: "lsp BenchmarkServerEdit/objects=10000", Den: "lsp BenchmarkServerEdit/objects=10"},
		{Metric: "rss", Pkg: "lsp", Bench: "BenchmarkServerRSS", Unit: "MB-rss", Target: 80, Baseline: "135 MB"},
		{Metric: "gen", Pkg: "codegen", Bench: "BenchmarkGenerate/objects=10000", Unit: "ns/op", Target: 150e6},
		{Metric: "big", Pkg: "lsp", Bench: "BenchmarkServerEdit/objects=10000", Unit: "ns/op", Large: true},
	}
	results["analysis BenchmarkParse/go-callbacks ns/op"] = []float64{500e3}
	got := renderTable(rs, results, map[string]string{"codegen": "package has no benchmarks"}, true)
	for _, want := range []string{
		"| edit 10 | <= 100.0 µs | 61.0 µs | 0.61 ok | - |",
		"| edit 10k | <= 80.0 µs | 85.0 µs | 1.06 OVER | - |",
		"| ratio | <= 1.50x | 1.39x | 0.93 ok |",
		"| rss | <= 80.0 MB | 71.5 MB | 0.89 ok | 135 MB |",
		"| gen | <= 150.0 ms | missing | - |",
		"| big | - | not run (-quick) | - |",
		"note: codegen: package has no benchmarks",
		"note: calibration: tree-sitter parse took 500.0 µs here against 250 µs on the baseline machine (2.0x)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
}
