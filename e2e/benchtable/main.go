// Command benchtable prints the performance table (targets and Cloudwerk's measured baseline) from one run:
//
//   - end to end: the real cloudwerk-lsp binary, built from this checkout, run
//     as a user runs it on generated apps of N copies of a 1.4 KB object file
//     (N = 100 / 1,000 / 10,000): `check` on a clean generated app with a cold
//     and a warm cache, `check` in each output format on an app whose objects
//     all lack their binding and migration, and `generate` when everything is up
//     to date. Wall time from the outside, CPU and peak RSS from wait4's rusage.
//   - the server figures, from the lsp package's benchmarks: edit -> diagnostics
//     on a 1.4 KB and a 190-method file in 10- and 10,000-object workspaces, and
//     the resident memory at 10,000 and 100,000 objects.
//   - tree-sitter's own parse cost, which bounds the cold figures.
//
// Every figure is the median of -count runs, with min-max. Cloudwerk's runtime
// packages are not published, so its figures are the measured baseline quoted
// from the product's performance targets, not measured here.
//
//	go run ./e2e/benchtable            # count=5, every size
//	go run ./e2e/benchtable -quick     # count=3, 100 objects, small server figures
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

func main() {
	count := flag.Int("count", 5, "runs per figure; the table shows the median")
	quick := flag.Bool("quick", false, "count=3, 100 objects only, short server benchmarks (CI)")
	verbose := flag.Bool("v", false, "echo go test output to stderr")
	writeOnly := flag.Int("write-apps", 0, "only write the clean and findings apps of `N` objects under -out (for profiling) and exit")
	out := flag.String("out", "", "the folder -write-apps writes to")
	flag.Parse()
	if *quick && !flagSet("count") {
		*count = 3
	}
	root, err := moduleRoot()
	if err != nil {
		fatal(err)
	}
	tmp, err := os.MkdirTemp("", "benchtable-")
	if err != nil {
		fatal(err)
	}
	defer os.RemoveAll(tmp)

	if *writeOnly > 0 {
		if err := writeAppsTo(root, tmp, *out, *writeOnly, *verbose); err != nil {
			fatal(err)
		}
		return
	}

	sizes := []int{100, 1000, 10000}
	if *quick {
		sizes = []int{100}
	}
	bin, err := buildBinary(root, tmp, *verbose)
	if err != nil {
		fatal(err)
	}
	cli, failed := measureCLI(bin, tmp, sizes, *count, *quick)
	server, problems := measureGoBenchmarks(root, tmp, *count, *quick, *verbose)

	fmt.Printf("Performance (SPEC §11): median of %d run(s), min-max; %s, %d CPUs, %s/%s\n\n",
		*count, runtime.Version(), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)
	fmt.Print(renderTable(append(cli, server...)))
	for _, p := range problems {
		fmt.Println("note:", p)
	}
	fmt.Println("note: Cloudwerk's figures are the baseline measured in SPEC §11 on the reference machine (its pipeline is not published, so it is not rerun here); ratios divide this run's medians by them.")
	if failed {
		os.Exit(1)
	}
}

// writeAppsTo writes the two benchmark apps of n objects to out/clean and
// out/findings, as the table measures them, so a profile can run on the same input.
func writeAppsTo(root, tmp, out string, n int, verbose bool) error {
	if out == "" {
		return fmt.Errorf("-write-apps needs -out DIR")
	}
	bin, err := buildBinary(root, tmp, verbose)
	if err != nil {
		return err
	}
	apps, err := writeApps(bin, tmp, n)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for kind, dir := range apps {
		if err := os.Rename(dir, filepath.Join(out, kind)); err != nil {
			return err
		}
	}
	return nil
}

func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "benchtable:", err)
	os.Exit(2)
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

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
