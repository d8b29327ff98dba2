package testutil

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPackageDocs keeps `go doc` readable: every package has a doc comment that
// starts "Package x" (or "Command x"), and no file's header comment sits directly
// above its package clause, where Go would glue it onto the package doc.
func TestPackageDocs(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Name,Dir,Doc,GoFiles,TestGoFiles,XTestGoFiles", "github.com/cloudwerk/cloudwerk-lsp/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p struct {
			ImportPath, Name, Dir, Doc         string
			GoFiles, TestGoFiles, XTestGoFiles []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(p.Doc, "Package "+p.Name+" ") && !strings.HasPrefix(p.Doc, "Command ") {
			t.Errorf("%s: package doc should start \"Package %s ...\", got %q", p.ImportPath, p.Name, p.Doc)
		}
		for _, name := range append(append(p.GoFiles, p.TestGoFiles...), p.XTestGoFiles...) {
			data, err := os.ReadFile(filepath.Join(p.Dir, name))
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(string(data), "\n")
			for i, l := range lines {
				if !strings.HasPrefix(l, "package ") {
					continue
				}
				j := i
				for j > 0 && strings.HasPrefix(lines[j-1], "//") {
					j--
				}
				if j < i && !strings.HasPrefix(lines[j], "// Package ") && !strings.HasPrefix(lines[j], "// Command ") {
					t.Errorf("%s/%s: a blank line must separate the file's header from its package clause", p.ImportPath, name)
				}
				break
			}
		}
	}
}
