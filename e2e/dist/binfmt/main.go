// Command binfmt checks that each release binary is what its name says: the
// executable format, the CPU, statically linked (Linux), and stripped (no DWARF,
// no symbol table). Usage: go run ./e2e/dist/binfmt NAME=FILE... where NAME is a
// target such as linux-arm64 or win32-x64.
package main

import (
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"fmt"
	"os"
	"strings"
)

func main() {
	failed := false
	for _, arg := range os.Args[1:] {
		name, file, ok := strings.Cut(arg, "=")
		if !ok {
			fmt.Fprintln(os.Stderr, "usage: binfmt NAME=FILE...")
			os.Exit(2)
		}
		desc, err := check(name, file)
		if err != nil {
			fmt.Printf("FAIL %s: %v\n", name, err)
			failed = true
			continue
		}
		fmt.Printf("ok   %s: %s\n", name, desc)
	}
	if failed {
		os.Exit(1)
	}
}

func check(name, file string) (string, error) {
	osName, cpu, _ := strings.Cut(name, "-")
	switch osName {
	case "linux":
		return checkELF(file, cpu)
	case "darwin":
		return checkMachO(file, cpu)
	case "win32":
		return checkPE(file, cpu)
	}
	return "", fmt.Errorf("unknown target %q", name)
}

func checkELF(file, cpu string) (string, error) {
	f, err := elf.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close()
	want := map[string]elf.Machine{"x64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}[cpu]
	if f.Machine != want || f.Class != elf.ELFCLASS64 || f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
		return "", fmt.Errorf("ELF %v %v %v, want a 64-bit %v executable", f.Class, f.Type, f.Machine, want)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return "", fmt.Errorf("dynamically linked (has an interpreter); want a static binary")
		}
	}
	if s := f.Section(".debug_info"); s != nil {
		return "", fmt.Errorf("not stripped: has .debug_info")
	}
	if s := f.Section(".symtab"); s != nil {
		return "", fmt.Errorf("not stripped: has .symtab")
	}
	return fmt.Sprintf("ELF 64-bit %v, static, stripped", f.Machine), nil
}

func checkMachO(file, cpu string) (string, error) {
	f, err := macho.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close()
	want := map[string]macho.Cpu{"x64": macho.CpuAmd64, "arm64": macho.CpuArm64}[cpu]
	if f.Cpu != want || f.Type != macho.TypeExec {
		return "", fmt.Errorf("Mach-O %v %v, want an %v executable", f.Cpu, f.Type, want)
	}
	if s := f.Section("__debug_info"); s != nil {
		return "", fmt.Errorf("not stripped: has __debug_info")
	}
	// Apple silicon refuses to run an arm64 binary without at least an ad-hoc
	// signature; Intel Macs run unsigned ones.
	signed := hasLoadCommand(f, loadCmdCodeSignature)
	if cpu == "arm64" && !signed {
		return "", fmt.Errorf("no LC_CODE_SIGNATURE: macOS on arm64 would not run it")
	}
	libs, err := f.ImportedLibraries()
	if err != nil {
		return "", err
	}
	sig := "unsigned"
	if signed {
		sig = "ad-hoc signed"
	}
	return fmt.Sprintf("Mach-O 64-bit %v executable, %s, stripped, links %s", f.Cpu, sig, strings.Join(libs, ", ")), nil
}

// loadCmdCodeSignature is LC_CODE_SIGNATURE, which debug/macho does not name.
const loadCmdCodeSignature macho.LoadCmd = 0x1d

func hasLoadCommand(f *macho.File, cmd macho.LoadCmd) bool {
	for _, l := range f.Loads {
		raw := l.Raw()
		if len(raw) >= 4 && macho.LoadCmd(f.ByteOrder.Uint32(raw)) == cmd {
			return true
		}
	}
	return false
}

func checkPE(file, cpu string) (string, error) {
	f, err := pe.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if cpu != "x64" || f.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
		return "", fmt.Errorf("PE machine %#x, want AMD64 for %s", f.Machine, cpu)
	}
	oh, ok := f.OptionalHeader.(*pe.OptionalHeader64)
	if !ok {
		return "", fmt.Errorf("not a PE32+ image")
	}
	if oh.Subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_CUI {
		return "", fmt.Errorf("subsystem %d, want a console program", oh.Subsystem)
	}
	if s := f.Section(".debug_info"); s != nil {
		return "", fmt.Errorf("not stripped: has .debug_info")
	}
	if f.FileHeader.NumberOfSymbols != 0 {
		return "", fmt.Errorf("not stripped: %d COFF symbols", f.FileHeader.NumberOfSymbols)
	}
	return "PE32+ x86-64 console executable, stripped", nil
}
