package main

import (
	"errors"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
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
	got := benchPatterns([]string{"BenchmarkEdit/file=a/objects=10", "BenchmarkEdit/file=b/objects=10", "BenchmarkEditX/objects=1", "BenchmarkRSS"})
	want := []string{"^BenchmarkEdit$/^(file=a|file=b)$/^(objects=10)$", "^BenchmarkEditX$/^(objects=1)$", "^BenchmarkRSS$"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("patterns = %q, want %q", got, want)
	}
	top := regexp.MustCompile(strings.Split(got[0], "/")[0])
	if top.MatchString("BenchmarkEditX") || !top.MatchString("BenchmarkEdit") {
		t.Error("top-level pattern is not anchored")
	}
}

func TestBenchLines(t *testing.T) {
	results := map[string][]float64{}
	for k, v := range parseBenchOutput(sampleOutput) {
		results["lsp "+k] = v
	}
	for _, tc := range []struct {
		row  benchRow
		want string
	}{
		{benchRow{Figure: "edit 10", N: "10", Pkg: "lsp", Bench: "BenchmarkServerEdit/objects=10", Unit: "ns/op", Target: 100e3},
			"| edit 10 | 10 | 61.0 µs | 59.0 µs - 70.0 µs | - | - | - | <= 100.0 µs | met |"},
		{benchRow{Figure: "edit 10k", N: "10,000", Pkg: "lsp", Bench: "BenchmarkServerEdit/objects=10000", Unit: "ns/op", Target: 80e3},
			"| edit 10k | 10,000 | 85.0 µs | 80.0 µs - 90.0 µs | - | - | - | <= 80.0 µs | NOT MET |"},
		{benchRow{Figure: "ratio", N: "-", Unit: "x", Target: 1.5, Num: "lsp BenchmarkServerEdit/objects=10000", Den: "lsp BenchmarkServerEdit/objects=10"},
			"| ratio | - | 1.39x | - | - | - | - | <= 1.5x | met |"},
		{benchRow{Figure: "rss", N: "10,000", Pkg: "lsp", Bench: "BenchmarkServerRSS", Unit: "MB-rss", Target: 80},
			"| rss | 10,000 | 72 MB | - | - | - | - | <= 80 MB | met |"},
		{benchRow{Figure: "gen", N: "1", Pkg: "codegen", Bench: "BenchmarkGenerate", Unit: "ns/op", Target: 150e6},
			"| gen | 1 | not measured | - | - | - | - | - |  |"},
	} {
		got := renderTable([]line{benchLine(tc.row, results)})
		if !strings.Contains(got, tc.want+"\n") {
			t.Errorf("%s: table lacks %q:\n%s", tc.row.Figure, tc.want, got)
		}
	}
}

func TestRunBinary(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	lim := runLimits{timeout: time.Minute, maxRSS: 1 << 20}
	s, err := runBinary(sh, t.TempDir(), nil, 1, lim, "-c", "echo report; exit 1")
	if err != nil {
		t.Fatal(err)
	}
	if s.rssKB <= 0 || s.wall <= 0 || s.outLen != int64(len("report\n")) {
		t.Errorf("sample = %+v", s)
	}
	if _, err := runBinary(sh, t.TempDir(), nil, 0, lim, "-c", "exit 1"); err == nil || !strings.Contains(err.Error(), "exit 1, want 0") {
		t.Errorf("wrong exit code not reported: %v", err)
	}
	lim.maxRSS = 1 // any process is over 1 KiB
	if _, err := runBinary(sh, t.TempDir(), nil, 0, lim, "-c", "exec sleep 5"); !errors.Is(err, errOverLimit) {
		t.Errorf("over the limit: %v", err)
	}
}
