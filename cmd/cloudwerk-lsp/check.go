package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cloudwerk/cloudwerk-lsp/diagnostics"
)

// severityFlags collects repeatable --severity CODE=level values.
type severityFlags map[diagnostics.Code]diagnostics.Severity

func (s severityFlags) String() string { return "" }

func (s severityFlags) Set(v string) error {
	code, level, ok := strings.Cut(v, "=")
	if !ok {
		return fmt.Errorf("want CODE=level, got %q", v)
	}
	code = strings.ToUpper(strings.TrimSpace(code))
	if _, known := diagnostics.LookupRule(diagnostics.Code(code)); !known {
		return fmt.Errorf("unknown code %q", code)
	}
	sev, ok := diagnostics.ParseSeverity(strings.ToLower(strings.TrimSpace(level)))
	if !ok {
		return fmt.Errorf("unknown level %q (want error, warning, info, hint or off)", level)
	}
	s[diagnostics.Code(code)] = sev
	return nil
}

func checkMain(args []string, out *cmdOutput) int {
	stdout, stderr := out.stdout, out.stderr
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: cloudwerk-lsp check [--format human|json|sarif|github] [--output FILE] [--fail-on-warnings] [--severity CODE=level]... [DIR...]")
		fs.PrintDefaults()
	}
	format := fs.String("format", "human", "output format: "+strings.Join(diagnostics.Formats, ", "))
	output := fs.String("output", "", "write the report to `FILE` instead of stdout")
	failOnWarnings := fs.Bool("fail-on-warnings", false, "exit 1 on warnings too")
	sev := severityFlags{}
	fs.Var(sev, "severity", "override a code's severity, e.g. NO_INIT=off (repeatable; `CODE=level`)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	printer, err := diagnostics.NewPrinter(*format)
	if err != nil {
		fmt.Fprintln(stderr, "cloudwerk-lsp check:", err)
		return exitUsage
	}
	opts := diagnostics.Options{Severity: sev}
	if out.stderrTerminal {
		opts.Progress = func(i, n int, root string) {
			fmt.Fprintf(stderr, "\r\033[Kchecking %d/%d %s", i, n, root)
		}
	}
	res, err := diagnostics.RunCheck(fs.Args(), opts)
	if opts.Progress != nil {
		fmt.Fprint(stderr, "\r\033[K")
	}
	if err != nil {
		fmt.Fprintln(stderr, "cloudwerk-lsp check:", err)
		return exitUsage
	}
	var w io.Writer = stdout
	if *output != "" {
		f, err := out.create(*output)
		if err != nil {
			fmt.Fprintln(stderr, "cloudwerk-lsp check:", err)
			return exitUsage
		}
		defer f.Close()
		w = f
	}
	if err := printer.Print(w, res); err != nil {
		fmt.Fprintln(stderr, "cloudwerk-lsp check:", err)
		return exitUsage
	}
	if *output != "" {
		fmt.Fprintln(stderr, diagnostics.Summary(res))
	}
	if res.Failed(*failOnWarnings) {
		return exitFindings
	}
	return exitOK
}

// isTerminal reports whether f is a character device (progress goes to
// stderr only when a person is watching it).
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
