// This file defines the end-to-end figures: which commands run on which
// generated app, and their targets.

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/cloudwerk/cloudwerk-lsp/internal/benchapp"
)

// baseline is the recorded measurement of Cloudwerk's own `objects generate`
// pipeline (one Node process; name-only scan, manifest, d.ts, wrangler write).
type baseline struct{ ms, rssMB float64 }

var cloudwerk = map[int]baseline{100: {254, 51}, 1000: {298, 57}, 10000: {749, 108}}

// cliCase is one command measured at each size.
type cliCase struct {
	figure   string
	app      string // "clean": generated and up to date; "findings": no bindings, no migrations
	warm     bool   // with a primed cache (else a fresh, empty cache folder per run)
	args     []string
	wantExit int
	maxRatio map[int]float64 // target: at most this times Cloudwerk's time at N
	vsHuman  bool            // target: within 1.5x of the human report at N
	extra    []int           // sizes measured besides the common ones (full run only)
	noMemo   bool            // warm, but never replayed from the run memo: the report's own cost
}

var cliCases = []cliCase{
	{figure: "check, clean generated app, cold (no cache)", app: "clean", args: []string{"check"},
		maxRatio: map[int]float64{100: 0.2, 1000: 0.7, 10000: 2}},
	{figure: "check, clean generated app, warm cache", app: "clean", warm: true, args: []string{"check"},
		maxRatio: map[int]float64{100: 0.1, 1000: 0.1, 10000: 0.1}},
	{figure: "check, 2N findings (no bindings), human", app: "findings", warm: true, noMemo: true, args: []string{"check"}, wantExit: 1, extra: []int{3000}},
	{figure: "check, 2N findings, --format json", app: "findings", warm: true, noMemo: true, args: []string{"check", "--format", "json"}, wantExit: 1, vsHuman: true, extra: []int{3000}},
	{figure: "check, 2N findings, --format sarif", app: "findings", warm: true, noMemo: true, args: []string{"check", "--format", "sarif"}, wantExit: 1, vsHuman: true, extra: []int{3000}},
	{figure: "generate, up to date", app: "clean", warm: true, args: []string{"generate"},
		maxRatio: map[int]float64{100: 0.1, 1000: 0.1, 10000: 0.1}},
}

// racyWait is how long after writing an app its files count as settled.
const racyWait = 2100 * time.Millisecond

// limits keep one runaway run from taking the shared machine down.
var limits = runLimits{timeout: 10 * time.Minute, maxRSS: 2 << 20}

const wranglerTOML = `name = "bench"
main = "src/index.ts"
compatibility_date = "2025-01-01"
`

// measureCLI runs every case at every size and returns the table lines, case
// by case; failed reports a run that did not exit as expected or hit a limit.
func measureCLI(bin, tmp string, sizes []int, count int, quick bool) (lines []line, failed bool) {
	all := slices.Clone(sizes)
	if !quick {
		for _, c := range cliCases {
			for _, n := range c.extra {
				if !slices.Contains(all, n) {
					all = append(all, n)
				}
			}
		}
		slices.Sort(all)
	}
	byCase := make([][]line, len(cliCases))
	for _, n := range all {
		apps, err := writeApps(bin, tmp, n)
		if err != nil {
			fatal(err)
		}
		human := 0.0
		for ci, c := range cliCases {
			if !slices.Contains(sizes, n) && !slices.Contains(c.extra, n) {
				continue
			}
			l, ok := measureCase(bin, tmp, apps[c.app], c, n, count)
			failed = failed || !ok
			if c.wantExit == 1 && !c.vsHuman && len(l.samples) > 0 {
				human = median(l.samples)
			}
			if c.vsHuman {
				l.target = "<= 1.5x human"
				if len(l.samples) > 0 && human > 0 {
					r := median(l.samples) / human
					l.target += fmt.Sprintf(" (%.2fx)", r)
					l.verdict = verdict(r <= 1.5)
				} else if l.err != "" {
					l.verdict = verdict(false)
				}
			}
			byCase[ci] = append(byCase[ci], l)
		}
		os.RemoveAll(filepath.Join(tmp, "apps"))
	}
	for _, ls := range byCase {
		lines = append(lines, ls...)
	}
	return lines, failed
}

// writeApps writes the two apps of size n: "clean" (objects, then `generate`
// run once so every binding, migration and generated file is up to date) and
// "findings" (the same objects and a wrangler file without bindings).
func writeApps(bin, tmp string, n int) (map[string]string, error) {
	fmt.Fprintf(os.Stderr, "benchtable: writing apps of %d objects\n", n)
	apps := map[string]string{}
	for _, kind := range []string{"clean", "findings"} {
		dir := filepath.Join(tmp, "apps", kind)
		if err := benchapp.WriteObjects(dir, n); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, "wrangler.toml"), []byte(wranglerTOML), 0o644); err != nil {
			return nil, err
		}
		apps[kind] = dir
	}
	env := withCache("off")
	if _, err := runBinary(bin, apps["clean"], env, 0, limits, "generate"); err != nil {
		return nil, fmt.Errorf("generate the clean app: %w", err)
	}
	// Warm runs trust a file's stamp only once it is older than the coarsest
	// timestamp granularity (2 s, git's racy-index rule, in the caches and the
	// run memo); a user's app is not written the instant before each run.
	time.Sleep(racyWait)
	return apps, nil
}

// measureCase runs c count times on the app at dir (size n).
func measureCase(bin, tmp, dir string, c cliCase, n, count int) (line, bool) {
	l := line{figure: c.figure, n: fmt.Sprintf("%d", n), unit: "ns"}
	fmt.Fprintf(os.Stderr, "benchtable: %s (%d objects)\n", strings.Join(c.args, " "), n)
	cache := filepath.Join(tmp, "cache")
	defer os.RemoveAll(cache)
	env := withCache(cache)
	if c.noMemo {
		env = append(env, "CLOUDWERK_LSP_MEMO=off")
	}
	if c.warm { // prime the cache; untimed
		if _, err := runBinary(bin, dir, env, c.wantExit, limits, c.args...); err != nil {
			l.err = err.Error()
			return l, false
		}
	}
	var cpu, rss []float64
	for range count {
		if !c.warm {
			os.RemoveAll(cache)
		}
		s, err := runBinary(bin, dir, env, c.wantExit, limits, c.args...)
		if err != nil {
			l.err = err.Error()
			l.rssMB = float64(s.rssKB) / 1024
			return l, false
		}
		l.samples = append(l.samples, float64(s.wall.Nanoseconds()))
		cpu = append(cpu, float64(s.cpu.Nanoseconds()))
		rss = append(rss, float64(s.rssKB)/1024)
	}
	l.cpu, l.rssMB = median(cpu), median(rss)
	base, ok := cloudwerk[n]
	if !ok {
		return l, true
	}
	ratio := median(l.samples) / 1e6 / base.ms
	l.cloudwerk = fmt.Sprintf("%.2fx (%.0f ms)", ratio, base.ms)
	if max, ok := c.maxRatio[n]; ok {
		l.target = fmt.Sprintf("<= %.1fx, RSS <= %.0f MB", max, base.rssMB)
		switch {
		case ratio > max && l.rssMB > base.rssMB:
			l.verdict = "NOT MET (time, RSS)"
		case ratio > max:
			l.verdict = "NOT MET (time)"
		case l.rssMB > base.rssMB:
			l.verdict = "NOT MET (RSS)"
		default:
			l.verdict = "met"
		}
	}
	return l, true
}

// withCache is the environment with the extraction cache at dir ("off" disables it).
func withCache(dir string) []string {
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "CLOUDWERK_LSP_CACHE=") })
	return append(env, "CLOUDWERK_LSP_CACHE="+dir)
}
