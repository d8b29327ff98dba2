// This file answers "would git ignore this path?" from the .gitignore files
// between the repository root and the path (and .git/info/exclude), without
// running git: the language server asks it while analysing, and a checkout in CI
// may not have git on PATH. It follows gitignore(5): blank lines and `#`
// comments are skipped, `!` negates, a trailing `/` matches folders only, a
// pattern with a `/` elsewhere is anchored to its file's folder, `*`, `?`, `[]`
// and `**` glob; a path inside an ignored folder is ignored whatever follows.

package analysis

import (
	"path/filepath"
	"regexp"
	"strings"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/safefs"
)

// GitIgnore matches paths against the ignore files of the repository holding
// them. The zero value is not usable: build one with NewGitIgnore. It caches
// what it reads and is not safe for concurrent use.
type GitIgnore struct {
	files map[string][]ignoreRule // folder -> the rules of its .gitignore
}

type ignoreRule struct {
	re      *regexp.Regexp
	negate  bool
	dirOnly bool
}

// NewGitIgnore returns an empty matcher.
func NewGitIgnore() *GitIgnore { return &GitIgnore{files: map[string][]ignoreRule{}} }

// Ignored reports whether git would ignore path (absolute). A path outside any
// repository (no .git above it) is never ignored.
func (g *GitIgnore) Ignored(path string) bool {
	path = filepath.Clean(path)
	repo := repoRoot(filepath.Dir(path))
	if repo == "" {
		return false
	}
	rel, err := filepath.Rel(repo, path)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return false
	}
	parts := strings.Split(filepath.ToSlash(rel), "/")
	info, statErr := safefs.Stat(path)
	isDir := statErr == nil && info.IsDir()
	// Each folder on the way down first: git does not look inside an ignored folder.
	for i := range parts {
		last := i == len(parts)-1
		if g.match(repo, parts[:i+1], !last || isDir) {
			return true
		}
	}
	return false
}

// match decides one path (parts, relative to repo) with the rules that apply:
// .git/info/exclude, then each .gitignore from the root down; the last match wins.
func (g *GitIgnore) match(repo string, parts []string, isDir bool) bool {
	ignored := false
	apply := func(base string, rules []ignoreRule) {
		rel := strings.Join(parts, "/")
		if base != "" {
			if !strings.HasPrefix(rel, base+"/") {
				return
			}
			rel = strings.TrimPrefix(rel, base+"/")
		}
		for _, r := range rules {
			if r.dirOnly && !isDir {
				continue
			}
			if r.re.MatchString(rel) {
				ignored = !r.negate
			}
		}
	}
	apply("", g.rules(filepath.Join(repo, ".git", "info"), "exclude"))
	for i := 0; i < len(parts); i++ {
		dir := filepath.Join(append([]string{repo}, parts[:i]...)...)
		apply(strings.Join(parts[:i], "/"), g.rules(dir, ".gitignore"))
	}
	return ignored
}

// rules returns the parsed rules of dir/name (cached; none when it is absent).
func (g *GitIgnore) rules(dir, name string) []ignoreRule {
	key := filepath.Join(dir, name)
	if r, ok := g.files[key]; ok {
		return r
	}
	var out []ignoreRule
	if data, err := safefs.ReadFile(key); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if r, ok := parseIgnoreLine(line); ok {
				out = append(out, r)
			}
		}
	}
	g.files[key] = out
	return out
}

// parseIgnoreLine turns one .gitignore line into a rule.
func parseIgnoreLine(line string) (ignoreRule, bool) {
	line = strings.TrimSuffix(line, "\r")
	// Trailing spaces are ignored unless escaped.
	for strings.HasSuffix(line, " ") && !strings.HasSuffix(line, "\\ ") {
		line = line[:len(line)-1]
	}
	if line == "" || strings.HasPrefix(line, "#") {
		return ignoreRule{}, false
	}
	var r ignoreRule
	if strings.HasPrefix(line, "!") {
		r.negate, line = true, line[1:]
	} else if strings.HasPrefix(line, `\`) {
		line = line[1:]
	}
	if strings.HasSuffix(line, "/") {
		r.dirOnly, line = true, strings.TrimRight(line, "/")
	}
	if line == "" {
		return ignoreRule{}, false
	}
	anchored := strings.Contains(line, "/")
	line = strings.TrimPrefix(line, "/")
	expr := globRegexp(line)
	if !anchored {
		expr = "(?:.*/)?" + expr // a bare name matches at any depth below its file
	}
	re, err := regexp.Compile("^" + expr + "$")
	if err != nil {
		return ignoreRule{}, false
	}
	r.re = re
	return r, true
}

// globRegexp translates a gitignore glob into a regular expression.
func globRegexp(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case strings.HasPrefix(p[i:], "**/"):
			b.WriteString("(?:.*/)?")
			i += 2
		case strings.HasPrefix(p[i:], "/**") && i+3 == len(p):
			b.WriteString("/.*")
			i += 2
		case strings.HasPrefix(p[i:], "**"):
			b.WriteString(".*")
			i++
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		case c == '[':
			end := strings.IndexByte(p[i+1:], ']')
			if end < 0 {
				b.WriteString(`\[`)
				continue
			}
			class := p[i+1 : i+1+end]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
			i += end + 1
		case c == '\\' && i+1 < len(p):
			i++
			b.WriteString(regexp.QuoteMeta(string(p[i])))
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	return b.String()
}

// repoRoot returns the closest folder at or above dir that holds .git, or "".
func repoRoot(dir string) string {
	for {
		if _, err := safefs.Stat(filepath.Join(dir, ".git")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}
