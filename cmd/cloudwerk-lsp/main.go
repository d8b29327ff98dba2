// Command cloudwerk-lsp is the Cloudwerk durable-object language server and CI checker.
// It only parses flags and calls into the engine packages.
package main

import (
	"fmt"
	"os"
)

// Exit codes shared by every subcommand.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
)

const usage = `usage: cloudwerk-lsp <command> [flags] [DIR...]

commands:
  serve       run the language server on stdin/stdout (also: --stdio)
  check       report problems in Cloudwerk apps (CI)
  generate    regenerate types, classes and wrangler config
  list        list durable objects
  info NAME   show one durable object
  migrations  show the migration ledger and what generate would append
  version     print the version
`

func main() {
	if len(os.Args) > 1 && os.Args[1] != "serve" && os.Args[1] != "--stdio" {
		// Here rather than in run: tests call run in one long process whose
		// collector they do not want tuned.
		tuneGC()
	}
	stopProfiles := startProfiles()
	code := run(os.Args[1:])
	stopProfiles()
	os.Exit(code)
}

func run(args []string) int {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve", "--stdio":
		return runServe(rest)
	case "check":
		return runMemoized(cmd, rest, checkMain)
	case "generate":
		return runMemoized(cmd, rest, generateRun)
	case "list":
		return runList(rest)
	case "info":
		return runInfo(rest)
	case "migrations":
		return runMigrations(rest)
	case "version", "--version", "-v":
		return runVersion(rest)
	case "help", "-h", "--help":
		fmt.Fprint(os.Stdout, usage)
		return exitOK
	}
	fmt.Fprintf(os.Stderr, "cloudwerk-lsp: unknown command %q\n\n%s", cmd, usage)
	return exitUsage
}
