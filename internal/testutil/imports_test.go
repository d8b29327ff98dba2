package testutil

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// TestImportDirection keeps the code map's one-way imports: each package may
// import only the module packages listed for it, and only lsp and cmd may import
// LSP protocol packages.
func TestImportDirection(t *testing.T) {
	const mod = "github.com/cloudwerk/cloudwerk-lsp/"
	allowed := map[string][]string{
		"analysis/textpos":  {},
		"analysis/safefs":   {},
		"analysis/varbin":   {},
		"analysis/wrangler": {"analysis/textpos", "analysis/safefs"},
		"analysis":          {"analysis/textpos", "analysis/safefs", "analysis/wrangler", "analysis/varbin"},
		"codegen":           {"analysis", "analysis/textpos", "analysis/safefs", "analysis/wrangler", "analysis/varbin"},
		"diagnostics":       {"analysis", "analysis/textpos", "analysis/safefs", "analysis/wrangler", "codegen"},
		"runmemo":           {"analysis", "analysis/safefs", "analysis/varbin"},
		"lsp":               {"analysis", "analysis/textpos", "analysis/safefs", "analysis/wrangler", "codegen", "diagnostics"},
		"internal/testutil": {},
		"internal/benchapp": {},
		"cmd/cloudwerk-lsp": {"analysis", "analysis/textpos", "analysis/safefs", "analysis/wrangler", "codegen", "diagnostics", "lsp", "runmemo"},
		"e2e/benchtable":    {"internal/benchapp"},
		"e2e/dist/binfmt":   {},
	}
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports", mod+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := 0
	for dec.More() {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(p.ImportPath, mod)
		ok, known := allowed[name]
		if !known {
			t.Errorf("package %s is not in the code map (README and this test)", name)
			continue
		}
		seen++
		for _, imp := range p.Imports {
			if strings.HasPrefix(imp, "go.lsp.dev/") && name != "lsp" && name != "cmd/cloudwerk-lsp" {
				t.Errorf("%s imports LSP types (%s); only lsp converts at the edge", name, imp)
			}
			dep, inModule := strings.CutPrefix(imp, mod)
			if !inModule {
				continue
			}
			if !contains(ok, dep) {
				t.Errorf("%s imports %s, against the code map's direction", name, dep)
			}
		}
	}
	if seen < len(allowed)-1 {
		t.Errorf("go list saw %d of the code map's packages", seen)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
