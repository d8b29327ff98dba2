// This file defines `cloudwerk-lsp generate [DIR]`: regenerate types, classes and
// wrangler config, or with --check / --dry-run only report what would change.

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/cloudwerk/cloudwerk-lsp/analysis"
	"github.com/cloudwerk/cloudwerk-lsp/codegen"
	"github.com/cloudwerk/cloudwerk-lsp/diagnostics"
)

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// parseRenames reads --rename Old=New values; a malformed one is reported on
// stderr under the subcommand's name and ok is false.
func parseRenames(cmd string, values []string, stderr io.Writer) (renames []codegen.Rename, ok bool) {
	for _, r := range values {
		from, to, ok := strings.Cut(r, "=")
		if !ok || from == "" || to == "" {
			fmt.Fprintf(stderr, "cloudwerk-lsp %s: --rename %q: want Old=New\n", cmd, r)
			return nil, false
		}
		renames = append(renames, codegen.Rename{From: from, To: to})
	}
	return renames, true
}

func generateMain(args []string, stdout, stderr io.Writer) int {
	return generateRun(args, newCmdOutput(stdout, stderr))
}

func generateRun(args []string, out *cmdOutput) int {
	stdout, stderr := out.stdout, out.stderr
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	check := fs.Bool("check", false, "exit 1 when a generated file is stale; write nothing")
	dryRun := fs.Bool("dry-run", false, "print a unified diff of what would change; write nothing")
	only := fs.String("only", "", "comma-separated subset of types,classes,wrangler (default: all)")
	includeIgnored := fs.Bool("include-ignored", false, "with --check: also check generated files that git ignores")
	allowKV := fs.Bool("allow-kv", false, "create new classes without `sqlite` in their definition KV-backed (the runtime's default) instead of leaving them out")
	var renames, deletes listFlag
	fs.Var(&renames, "rename", "record class Old as renamed to New in the migration ledger: Old=New (repeatable)")
	fs.Var(&deletes, "delete", "record deletion of a class and ALL its data in the migration ledger (repeatable)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: cloudwerk-lsp generate [--check] [--dry-run] [--only types,classes,wrangler] [--rename Old=New] [--delete Class] [--allow-kv] [--include-ignored] [DIR]")
		fs.PrintDefaults()
	}

	// Flags may come before or after DIR.
	var dirs []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return exitOK
			}
			return exitUsage
		}
		if fs.NArg() == 0 {
			break
		}
		dirs = append(dirs, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(dirs) > 1 {
		fmt.Fprintln(stderr, "cloudwerk-lsp generate: one DIR at most")
		return exitUsage
	}
	dir := "."
	if len(dirs) == 1 {
		dir = dirs[0]
	}

	opts := codegen.Options{Deletes: deletes, AllowKV: *allowKV}
	if *only != "" {
		t, err := codegen.ParseTargets(*only)
		if err != nil {
			fmt.Fprintf(stderr, "cloudwerk-lsp generate: --only: %v\n", err)
			return exitUsage
		}
		opts.Targets = t
	}
	var ok bool
	if opts.Renames, ok = parseRenames("generate", renames, stderr); !ok {
		return exitUsage
	}

	// A file may change between planning and writing (an editor saving); plan again once.
	for attempt := 0; ; attempt++ {
		// Slim as check loads it: the ledger gate's per-file rules run in the
		// extraction workers (cold generate of 10,000 objects: 133 -> 105 MB).
		app, err := analysis.LoadAppWith(dir, analysis.LoadOptions{Slim: diagnostics.SlimDefinition})
		if err != nil {
			fmt.Fprintf(stderr, "cloudwerk-lsp generate: %v\n", err)
			return exitUsage
		}
		changes, err := codegen.Plan(app, opts)
		if err != nil {
			fmt.Fprintf(stderr, "cloudwerk-lsp generate: %v\n", err)
			return exitFindings
		}
		// Decisions only the user can make (an orphaned class) are not errors of the
		// plan: everything safe is still generated, and the run exits 1 until decided.
		decisions := wranglerNotes(app, opts, stderr)
		if *dryRun {
			fmt.Fprint(stdout, codegen.Diff(app.Root, changes))
		}
		if *check && !*includeIgnored {
			changes = skipIgnored(app.Root, changes, stderr)
		}
		if *check || *dryRun {
			for _, c := range changes {
				fmt.Fprintf(stderr, "stale: %s\n", relTo(app.Root, c.Path))
			}
			if *check && len(changes) > 0 {
				fmt.Fprintf(stderr, "%d generated file(s) out of date; run `cloudwerk-lsp generate`\n", len(changes))
				return exitFindings
			}
			if *check && decisions > 0 {
				return exitFindings
			}
			return exitOK
		}
		if len(changes) > 0 {
			out.wroteApp = true
		}
		err = codegen.ApplyWith(app.Root, changes, codegen.ApplyOptions{OnLockWait: func(lock string) {
			fmt.Fprintf(stderr, "waiting for another generate run to finish (it holds %s)\n", relTo(app.Root, lock))
		}})
		if errors.Is(err, codegen.ErrConflict) && attempt == 0 {
			continue
		}
		if err != nil {
			fmt.Fprintf(stderr, "cloudwerk-lsp generate: %v\n", err)
			return exitUsage
		}
		for _, c := range changes {
			verb := "wrote"
			if c.Delete {
				verb = "deleted"
			}
			fmt.Fprintf(stderr, "%s %s\n", verb, relTo(app.Root, c.Path))
		}
		if len(changes) == 0 {
			fmt.Fprintln(stderr, "generated files are up to date")
		}
		if decisions > 0 {
			return exitFindings
		}
		return exitOK
	}
}

// skipIgnored drops the changes to files git ignores and says so: a fresh
// checkout (a CI job) has none of them, and the Cloudwerk templates ignore
// .cloudwerk/, so `--check` would otherwise fail on every clone. The committed
// files (the wrangler config above all) are still checked.
func skipIgnored(root string, changes []codegen.FileChange, stderr io.Writer) []codegen.FileChange {
	ignore := analysis.NewGitIgnore()
	kept := changes[:0]
	var skipped []string
	for _, c := range changes {
		if ignore.Ignored(c.Path) {
			skipped = append(skipped, relTo(root, c.Path))
			continue
		}
		kept = append(kept, c)
	}
	if len(skipped) > 0 {
		shown := skipped
		if len(shown) > 3 {
			shown = append(shown[:3:3], fmt.Sprintf("and %d more", len(skipped)-3))
		}
		fmt.Fprintf(stderr, "not checked, ignored by git: %s (generated at build time by `cloudwerk-lsp generate`; --include-ignored checks them too)\n", strings.Join(shown, ", "))
	}
	return kept
}

// wranglerNotes prints the wrangler planner's notes, warnings, the objects it
// leaves out of the ledger and the decisions it needs (with the flag that settles
// each); it returns how many of the last two there are (each makes the run exit 1).
func wranglerNotes(app *analysis.App, opts codegen.Options, stderr io.Writer) int {
	if opts.Targets != 0 && opts.Targets&codegen.TargetWrangler == 0 {
		return 0
	}
	p, err := codegen.PlanWrangler(app, opts)
	if err != nil || p == nil {
		return 0 // Plan already reported planner errors
	}
	for _, n := range p.Notes {
		fmt.Fprintf(stderr, "note: %s\n", n)
	}
	for _, w := range p.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	for _, b := range p.Blocked {
		fmt.Fprintf(stderr, "not recorded: %s (%s): no binding and no migration, because %s\n", b.Class, relTo(app.Root, b.Path), b.Reason)
	}
	for _, n := range p.NeedsFlag {
		fmt.Fprintf(stderr, "needs a decision: %s\n", n)
	}
	return len(p.Blocked) + len(p.NeedsFlag)
}

func relTo(root, path string) string {
	if rel, err := filepath.Rel(root, path); err == nil {
		return filepath.ToSlash(rel)
	}
	return path
}
