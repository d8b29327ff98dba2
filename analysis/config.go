// This file defines the static reading of cloudwerk.config.{ts,js,mjs}:
// appDir and extensions, never executing the file.

package analysis

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/cloudwerk/cloudwerk-lsp/analysis/safefs"
)

// ConfigFileNames are the config files looked for, in order; the first that exists wins.
var ConfigFileNames = []string{"cloudwerk.config.ts", "cloudwerk.config.js", "cloudwerk.config.mjs"}

// AllowedExtensions are the object file extensions Cloudwerk accepts.
var AllowedExtensions = map[string]bool{".ts": true, ".tsx": true, ".js": true, ".jsx": true}

// DefaultAppDir and DefaultExtensions apply when the config does not say (or
// says something that cannot be read statically).
const DefaultAppDir = "app"

// DefaultExtensions returns a fresh copy of the default extensions.
func DefaultExtensions() []string { return []string{".ts", ".tsx"} }

// ReadConfig statically reads cloudwerk.config.{ts,js,mjs} under root
// (defaults when there is none). Root is made absolute and cleaned. Values that
// are not literals (or not allowed) fall back to the default with an Issue
// pointing at the value.
func ReadConfig(root string) Config { return readConfig(root, nil) }

// readConfig is ReadConfig with the config file's content taken from overlay
// when it holds it.
func readConfig(root string, overlay Overlay) Config {
	if abs, err := filepath.Abs(root); err == nil {
		root = abs
	}
	root = filepath.Clean(root)
	cfg := Config{Root: root, AppDir: DefaultAppDir, Extensions: DefaultExtensions()}
	for _, name := range ConfigFileNames {
		p := filepath.Join(root, name)
		if src, ok := overlay[p]; ok {
			cfg.File = p
			readConfigSource(&cfg, src)
			return cfg
		}
		info, err := safefs.Stat(p)
		if err != nil || info.IsDir() {
			continue
		}
		cfg.File = p
		src, err := safefs.ReadFile(p)
		if err != nil {
			cfg.Issues = append(cfg.Issues, ConfigIssue{Message: fmt.Sprintf("cannot read %s: %v; using defaults", name, err)})
			return cfg
		}
		readConfigSource(&cfg, src)
		return cfg
	}
	return cfg
}

// readConfigSource fills cfg from the config file's source.
func readConfigSource(cfg *Config, src []byte) {
	name := filepath.Base(cfg.File)
	if why := screenSource(src); why != "" {
		cfg.Issues = append(cfg.Issues, ConfigIssue{Message: fmt.Sprintf("%s: %s; using defaults", name, why)})
		return
	}
	g := grammarFor(LangTS)
	tree := g.parse(src, nil)
	if tree == nil {
		cfg.Issues = append(cfg.Issues, ConfigIssue{Message: name + " could not be parsed; using defaults"})
		return
	}
	defer tree.Close()
	s := newSyntax(g, src, tree.RootNode(), noPrune, noPrune)
	defer s.release()
	top := s.scanTopLevel(s.root())
	if top.defaultStmt == nil {
		if len(s.collectParseErrors(s.root())) > 0 {
			cfg.Issues = append(cfg.Issues, ConfigIssue{At: s.firstLineRange(), Message: name + " has syntax errors and no readable default export; using defaults"})
		}
		return // a config without a default export configures nothing
	}
	obj := s.configObject(top)
	if obj == nil {
		cfg.Issues = append(cfg.Issues, ConfigIssue{At: s.rng(top.defaultStmt),
			Message: "the default export is not an object literal or defineConfig({...}) call and cannot be read statically; using defaults (appDir 'app', extensions ['.ts', '.tsx'])"})
		return
	}
	for _, prop := range s.namedChildren(obj) {
		switch s.kind(prop) {
		case "pair":
			key := s.keyOf(s.field(prop, g.fKey))
			value := s.field(prop, g.fValue)
			if key.computed || value == nil {
				continue
			}
			switch key.name {
			case "appDir":
				s.readAppDir(cfg, s.resolveLocal(value, top), value)
			case "extensions":
				s.readExtensions(cfg, s.resolveLocal(value, top), value)
			case "durableObjects":
				s.readDurableObjects(cfg, s.resolveLocal(value, top), value, top)
			}
		case "shorthand_property_identifier":
			switch k := s.text(prop); k {
			case "appDir":
				s.readAppDir(cfg, s.resolveLocal(prop, top), prop)
			case "extensions":
				s.readExtensions(cfg, s.resolveLocal(prop, top), prop)
			case "durableObjects":
				s.readDurableObjects(cfg, s.resolveLocal(prop, top), prop, top)
			}
		case "spread_element":
			cfg.DurableObjectsOpen = true
			cfg.Issues = append(cfg.Issues, ConfigIssue{At: s.rng(prop), Message: "a spread in the config cannot be read statically; appDir, extensions and durableObjects it may set are ignored"})
		}
	}
}

// configObject finds the object literal the default export stands for:
// `{...}`, `defineConfig({...})` (any callee: the helper is an identity
// function), possibly through a top-level const, `as` or `satisfies`.
func (s *syntax) configObject(top *topLevel) *tnode {
	if top.defaultDecl || top.defaultValue == nil {
		return nil
	}
	v := s.resolveLocal(top.defaultValue, top)
	if v != nil && s.kind(v) == "call_expression" {
		v = s.resolveLocal(s.firstNamed(s.field(v, s.g.fArguments)), top)
	}
	if v == nil || s.kind(v) != "object" {
		return nil
	}
	return v
}

func (s *syntax) readAppDir(cfg *Config, v, at *tnode) {
	kind, str, _ := s.classify(v)
	if kind != KindString {
		cfg.Issues = append(cfg.Issues, ConfigIssue{At: s.rng(at), Message: "appDir is not a string literal and cannot be read statically; using the default 'app'"})
		return
	}
	clean := path.Clean(strings.ReplaceAll(str, "\\", "/"))
	if str == "" || clean == "." || path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") || filepath.IsAbs(str) {
		cfg.Issues = append(cfg.Issues, ConfigIssue{At: s.rng(at), Message: fmt.Sprintf("appDir %q must be a relative folder inside the project; using the default 'app'", str)})
		return
	}
	cfg.AppDir = clean
}

func (s *syntax) readExtensions(cfg *Config, v, at *tnode) {
	v = s.unwrap(v)
	if v == nil || s.kind(v) != "array" {
		cfg.Issues = append(cfg.Issues, ConfigIssue{At: s.rng(at), Message: "extensions is not an array literal and cannot be read statically; using the default ['.ts', '.tsx']"})
		return
	}
	var exts []string
	seen := map[string]bool{}
	for _, el := range s.namedChildren(v) {
		kind, str, _ := s.classify(el)
		if kind != KindString {
			cfg.Issues = append(cfg.Issues, ConfigIssue{At: s.rng(el), Message: "extensions entries must be string literals; using the default ['.ts', '.tsx']"})
			return
		}
		if !AllowedExtensions[str] {
			cfg.Issues = append(cfg.Issues, ConfigIssue{At: s.rng(el), Message: fmt.Sprintf("extension %q is not supported (allowed: .ts, .tsx, .js, .jsx); using the default ['.ts', '.tsx']", str)})
			return
		}
		if !seen[str] {
			seen[str] = true
			exts = append(exts, str)
		}
	}
	if len(exts) == 0 {
		cfg.Issues = append(cfg.Issues, ConfigIssue{At: s.rng(at), Message: "extensions is empty; using the default ['.ts', '.tsx']"})
		return
	}
	cfg.Extensions = exts
}
