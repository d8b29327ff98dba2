package analysis

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The matcher agrees with `git check-ignore` on the patterns Cloudwerk's
// templates use and on the gitignore(5) rules around them.
func TestGitIgnoreAgreesWithGit(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		".gitignore":              "node_modules/\ndist/\n.wrangler/\n.cloudwerk/\n.cloudwerk-build/\n.dev.vars\n*.log\n# comment\n\n/top-only.txt\nbuild/**/out\n!keep.log\ndocs/*.md\n**/cache\nsub/\\#hash\n",
		"pkg/.gitignore":          "local.txt\n!.cloudwerk/\n/anchored.ts\ngenerated/\n",
		"pkg/app/.gitignore":      "*.tmp\n",
		".git/info/exclude":       "secret.env\n",
		"pkg/app/objects/c.ts":    "",
		".cloudwerk/types/a.ts":   "",
		"pkg/.cloudwerk/x.ts":     "",
		"dist/index.js":           "",
		"src/index.ts":            "",
		"a.log":                   "",
		"keep.log":                "",
		"top-only.txt":            "",
		"pkg/top-only.txt":        "",
		"build/x/y/out":           "",
		"build/out":               "",
		"docs/a.md":               "",
		"docs/sub/b.md":           "",
		"x/cache/y":               "",
		"pkg/local.txt":           "",
		"local.txt":               "",
		"pkg/anchored.ts":         "",
		"pkg/deep/anchored.ts":    "",
		"pkg/generated/z.ts":      "",
		"pkg/app/w.tmp":           "",
		"pkg/app/objects/w.tmp":   "",
		"secret.env":              "",
		"sub/#hash":               "",
		"worker.ts":               "",
		"node_modules/x/index.js": "",
	}
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	g := NewGitIgnore()
	ours := map[string]bool{}
	for name := range files {
		if filepath.Base(name) == ".gitignore" || filepath.Dir(name) == ".git/info" {
			continue
		}
		ours[name] = g.Ignored(filepath.Join(root, filepath.FromSlash(name)))
	}
	if ours["src/index.ts"] || !ours["dist/index.js"] || !ours[".cloudwerk/types/a.ts"] || ours["worker.ts"] {
		t.Errorf("template patterns: %v", ours)
	}
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not installed: only the template patterns were checked")
	}
	if out, err := exec.Command(git, "init", "-q", root).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	// git init keeps an existing .git/info/exclude? It may overwrite it: write it again.
	if err := os.WriteFile(filepath.Join(root, ".git", "info", "exclude"), []byte(files[".git/info/exclude"]), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, got := range ours {
		cmd := exec.Command(git, "-c", "core.excludesFile=/dev/null", "check-ignore", "-q", "--no-index", name)
		cmd.Dir = root
		err := cmd.Run()
		want := err == nil
		if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
			t.Fatalf("git check-ignore %s: %v", name, err)
		}
		if got != want {
			t.Errorf("%s: ignored = %v, git says %v", name, got, want)
		}
	}
}
