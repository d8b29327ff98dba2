#!/usr/bin/env bash
# The distribution suite: builds every release file with dist/build.sh, then checks
# them the way users meet them:
#   - the npm tarballs installed into a fresh project with no registry (npm --offline,
#     the platform packages given as local files): `npx cloudwerk-lsp version` and
#     `check` print exactly what the Go-built binary prints, and npm picked only the
#     platform package that matches this machine (os/cpu);
#   - the launcher's errors name the platform (unsupported, optional package omitted);
#   - linux-arm64 runs `check` under qemu-user-static; darwin and windows binaries have
#     the right headers (Go's debug/macho, debug/pe); wine runs the windows one where
#     Debian's wine installs;
#   - each .vsix holds its platform's server with mode 0755;
#   - the binaries are reproducible: a second build from a copy of the tree at another
#     path gives the same bytes;
#   - .github/workflows is valid for actionlint.
# Installs what it needs: apt-get (qemu-user-static, wine64), zig via dist/build.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache="${CLOUDWERK_CI_CACHE:-$HOME/.cache/cloudwerk-lsp-ci}"
ACTIONLINT=github.com/rhysd/actionlint/cmd/actionlint@v1.7.12

if [ "$(uname -s)-$(uname -m)" != Linux-x86_64 ]; then
	echo "e2e/dist: runs on linux x86-64 only (the npm install check expects @cloudwerk-lsp/linux-x64); skipped"
	exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# CLOUDWERK_DIST_OUT keeps the tested files (the release workflow publishes them).
out="${CLOUDWERK_DIST_OUT:-$work/out}"
fail() { echo "e2e/dist: FAIL: $*" >&2; exit 1; }
passed=0
ok() { echo "ok   $*"; passed=$((passed + 1)); }

apt_updated=0
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
apt_install() { # installs the Debian packages that are missing; returns non-zero if apt fails
	local missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	command -v apt-get >/dev/null || return 1
	if [ "$apt_updated" = 0 ]; then
		$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq || return 1
		apt_updated=1
	fi
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

echo "-- dist/build.sh"
start=$(date +%s)
bash "$repo/dist/build.sh" "$out"
echo "dist/build.sh took $(($(date +%s) - start)) s"
version="$(sed -n 's/^const Version = "\(.*\)"$/\1/p' "$repo/analysis/version.go")"
platforms="linux-x64 linux-arm64 darwin-x64 darwin-arm64 win32-x64"

for f in "cloudwerk-lsp-$version.tgz" $(for p in $platforms; do echo "cloudwerk-lsp-$p-$version.tgz"; done); do
	[ -s "$out/$f" ] || fail "missing $f"
done
vsix_count=$(find "$out" -name '*.vsix' | wc -l)
[ "$vsix_count" = 5 ] || fail "want 5 .vsix files, have $vsix_count"
(cd "$out" && ls -l -- *.tgz *.vsix)
ok "build: 6 npm tarballs, 5 .vsix files"

# The binaries as shipped, unpacked from their tarballs.
for p in $platforms; do
	mkdir -p "$work/pkg/$p"
	tar -xzf "$out/cloudwerk-lsp-$p-$version.tgz" -C "$work/pkg/$p"
done
bin_of() { # platform -> its binary inside the unpacked package
	if [ "$1" = win32-x64 ]; then echo "$work/pkg/$1/package/bin/cloudwerk-lsp.exe"; else echo "$work/pkg/$1/package/bin/cloudwerk-lsp"; fi
}

echo "-- the reference: the Go-built binary"
(cd "$repo" && go build -o "$work/ref" ./cmd/cloudwerk-lsp)
outcome() { # args... -> the command's output, then "exit=N"
	local rc=0
	"$@" 2>&1 || rc=$?
	echo "exit=$rc"
}
ref_out() { # args... -> outcome, run from the repo root
	(cd "$repo" && outcome "$@")
}
ref_out "$work/ref" version >"$work/want-version"
ref_out "$work/ref" check examples/demo-app >"$work/want-check"
grep -q "^cloudwerk-lsp $version$" "$work/want-version" || fail "reference version: $(cat "$work/want-version")"
grep -q '^exit=1$' "$work/want-check" || fail "reference check should find the demo app's errors"

echo "-- npm: a fresh project, the packed tarballs, no registry"
proj="$work/project"
mkdir -p "$proj"
# The platform packages come from the local tarballs (overrides), as a registry would
# serve them: npm still decides by os/cpu which one to install.
node -e '
const fs = require("fs"), path = require("path");
const [out, version, proj, ...platforms] = process.argv.slice(1);
const overrides = Object.fromEntries(platforms.map((p) => ["@cloudwerk-lsp/" + p, "file:" + path.join(out, `cloudwerk-lsp-${p}-${version}.tgz`)]));
fs.writeFileSync(path.join(proj, "package.json"), JSON.stringify({
  name: "fresh-cloudwerk-app", private: true,
  devDependencies: { "cloudwerk-lsp": "file:" + path.join(out, `cloudwerk-lsp-${version}.tgz`) },
  overrides,
}, null, 2));' "$out" "$version" "$proj" $platforms
mkdir -p "$proj/examples"
cp -r "$repo/examples/demo-app" "$proj/examples/demo-app"
(cd "$proj" && npm install --offline --no-audit --no-fund --loglevel=error)
installed="$(cd "$proj/node_modules/@cloudwerk-lsp" && ls)"
[ "$installed" = linux-x64 ] || fail "npm installed platform packages [$installed], want only linux-x64"
[ "$(node -p 'require(process.argv[1]).optionalDependencies["@cloudwerk-lsp/darwin-arm64"]' "$proj/node_modules/cloudwerk-lsp/package.json")" = "$version" ] ||
	fail "optionalDependencies are not pinned to $version"
[ -x "$proj/node_modules/@cloudwerk-lsp/linux-x64/bin/cloudwerk-lsp" ] || fail "the installed binary lost its run bit"
ok "npm install --offline: only @cloudwerk-lsp/linux-x64 installed, binary executable, optional deps at $version"

(cd "$proj" && outcome npx --no-install cloudwerk-lsp version) >"$work/got-version"
(cd "$proj" && outcome npx --no-install cloudwerk-lsp check examples/demo-app) >"$work/got-check"
diff -u "$work/want-version" "$work/got-version" || fail "npx cloudwerk-lsp version differs from the Go-built binary"
diff -u "$work/want-check" "$work/got-check" || fail "npx cloudwerk-lsp check differs from the Go-built binary"
ok "npx cloudwerk-lsp version / check examples/demo-app: same output and exit status as the Go-built binary"

echo "-- launcher errors"
err="$(cd "$proj" && node -e '
Object.defineProperty(process, "platform", { value: "freebsd" });
Object.defineProperty(process, "arch", { value: "riscv64" });
require("./node_modules/cloudwerk-lsp/bin/cloudwerk-lsp.js");' 2>&1)" && fail "unsupported platform should fail"
grep -q 'no prebuilt binary for freebsd-riscv64' <<<"$err" || fail "unsupported platform message: $err"
omit="$work/omit"
mkdir -p "$omit"
cp "$proj/package.json" "$omit/"
(cd "$omit" && npm install --offline --omit=optional --no-audit --no-fund --loglevel=error)
[ ! -e "$omit/node_modules/@cloudwerk-lsp" ] || fail "--omit=optional still installed a platform package"
err="$(cd "$omit" && npx --no-install cloudwerk-lsp version 2>&1)" && fail "a missing platform package should fail"
grep -q 'the package @cloudwerk-lsp/linux-x64 with the binary for linux-x64 is not installed' <<<"$err" || fail "missing package message: $err"
ok "launcher: names the platform when none matches and when the package is missing"

echo "-- binary formats"
go run "$here/binfmt" $(for p in $platforms; do echo "$p=$(bin_of "$p")"; done)
ok "binary formats: ELF static x86-64/aarch64, Mach-O x86-64/arm64, PE32+ x86-64, all stripped"

echo "-- linux-arm64 under qemu-user-static"
apt_install qemu-user-static || fail "apt-get could not install qemu-user-static"
qemu="$(command -v qemu-aarch64-static || command -v qemu-aarch64)"
ref_out "$qemu" "$(bin_of linux-arm64)" version >"$work/arm-version"
ref_out "$qemu" "$(bin_of linux-arm64)" check examples/demo-app >"$work/arm-check"
diff -u "$work/want-version" "$work/arm-version" || fail "linux-arm64 version under qemu differs"
diff -u "$work/want-check" "$work/arm-check" || fail "linux-arm64 check under qemu differs"
ok "linux-arm64: version and check examples/demo-app under $(basename "$qemu") match the Go-built binary"

echo "-- win32-x64 under wine"
if apt_install wine64 >"$work/wine-apt.log" 2>&1; then
	wine="$(command -v wine64 || echo /usr/lib/wine/wine64)"
	export WINEPREFIX="$cache/wine-prefix" WINEDEBUG=-all
	mkdir -p "$WINEPREFIX"
	# Creates the prefix on first use (half a minute), then just runs.
	winver="$("$wine" --version)"
	timeout 300 "$wine" cmd /c ver >/dev/null 2>&1 || true
	sys32="$WINEPREFIX/drive_c/windows/system32"
	stand_in="$WINEPREFIX/cloudwerk-bcryptprimitives-stand-in"
	if [ ! -f "$sys32/bcryptprimitives.dll" ] || [ -f "$stand_in" ]; then
		# This wine predates bcryptprimitives.dll, which any Go 1.22+ program needs to start.
		zig="$cache/ziglang-$(sed -n 's/^ZIG_VERSION=//p' "$repo/dist/build.sh")/ziglang/zig"
		ZIG_GLOBAL_CACHE_DIR="$cache/zig-cache" ZIG_LOCAL_CACHE_DIR="$cache/zig-cache" \
			"$zig" cc -target x86_64-windows-gnu -shared -O2 -s -o "$sys32/bcryptprimitives.dll" "$here/wine/bcryptprimitives.c" -ladvapi32
		touch "$stand_in"
	fi
	shim=""
	[ -f "$stand_in" ] && shim=" (with the test's bcryptprimitives.dll stand-in: $winver has none)"
	ref_out timeout 300 "$wine" "$(bin_of win32-x64)" version | tr -d '\r' >"$work/win-version"
	diff -u "$work/want-version" "$work/win-version" || fail "win32-x64 version under wine differs"
	ref_out timeout 300 "$wine" "$(bin_of win32-x64)" check examples/demo-app | tr -d '\r' | tr '\\' / >"$work/win-check"
	diff -u "$work/want-check" "$work/win-check" || fail "win32-x64 check under wine differs"
	ok "win32-x64: version and check examples/demo-app under $winver match the Go-built binary$shim"
else
	echo "SKIP win32-x64 under wine: Debian's wine64 did not install here: $(tail -1 "$work/wine-apt.log")"
fi

echo "-- .vsix files"
python3 - "$out" "$version" <<'EOF'
import sys, zipfile, pathlib
out = pathlib.Path(sys.argv[1])
for target in ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64", "win32-x64"]:
    vsix = next(out.glob(f"cloudwerk-lsp-{target}-*.vsix"))
    z = zipfile.ZipFile(vsix)
    names = set(z.namelist())
    exe = "extension/server/cloudwerk-lsp" + (".exe" if target == "win32-x64" else "")
    for want in [exe, "extension/server/THIRD_PARTY_NOTICES.md", "extension/dist/extension.js", "extension/package.json"]:
        if want not in names:
            sys.exit(f"{vsix.name}: lacks {want}")
    if any(n.startswith("extension/node_modules/") for n in names):
        sys.exit(f"{vsix.name}: bundles node_modules")
    manifest = z.read("extension.vsixmanifest").decode()
    if f'TargetPlatform="{target}"' not in manifest:
        sys.exit(f"{vsix.name}: manifest does not name TargetPlatform {target}")
    mode = (z.getinfo(exe).external_attr >> 16) & 0o777
    if target != "win32-x64" and mode != 0o755:
        sys.exit(f"{vsix.name}: {exe} has mode {mode:o}, want 755")
    print(f"{vsix.name}: {exe} mode {mode:o}, TargetPlatform {target}, {vsix.stat().st_size} bytes")
EOF
# The server in the x64 .vsix is the very binary of the linux-x64 npm package.
mkdir -p "$work/vsix"
(cd "$work/vsix" && python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(".")' "$(ls "$out"/cloudwerk-lsp-linux-x64-*.vsix)")
cmp "$work/vsix/extension/server/cloudwerk-lsp" "$(bin_of linux-x64)" || fail "the x64 .vsix server is not the linux-x64 binary"
ok ".vsix: each bundles its platform's server (mode 0755 off Windows) and notices, no node_modules"

echo "-- reproducible: the linux-x64 and win32-x64 binaries again, from a copy of the tree at another path, cold"
copy="$work/copy/elsewhere/cloudwerk-lsp"
mkdir -p "$copy"
(cd "$repo" && tar --exclude=./editors/vscode/node_modules --exclude=./.git -cf - .) | tar -xf - -C "$copy"
ln -s "$repo/editors/vscode/node_modules" "$copy/editors/vscode/node_modules"
# A fresh Go build cache and no cached binary: every Go and C file is compiled again.
start=$(date +%s)
GOCACHE="$work/gocache" CLOUDWERK_DIST_REBUILD=1 CLOUDWERK_DIST_TARGETS="linux-x64 win32-x64" \
	bash "$copy/dist/build.sh" "$work/out2" >"$work/build2.log" 2>&1 || { cat "$work/build2.log"; fail "second build"; }
echo "cold linux-x64 + win32-x64 build took $(($(date +%s) - start)) s"
grep -E ' (linux|win32)-x64/' "$out/SHA256SUMS.binaries" >"$work/sum1"
grep -E ' (linux|win32)-x64/' "$work/out2/SHA256SUMS.binaries" >"$work/sum2"
cat "$work/sum1"
diff "$work/sum1" "$work/sum2" || fail "the linux-x64 or win32-x64 binary differs between two builds"
for f in "cloudwerk-lsp-linux-x64-$version.tgz" "cloudwerk-lsp-linux-x64-$(node -p 'require(process.argv[1]).version' "$repo/editors/vscode/package.json").vsix"; do
	cmp "$out/$f" "$work/out2/$f" || fail "$f differs between two builds"
done
ok "reproducible: the linux-x64 and win32-x64 binaries, the linux-x64 npm tarball and .vsix are byte-identical across two builds"

echo "-- actionlint"
(cd "$repo" && go run "$ACTIONLINT" -color=false .github/workflows/*.yml)
ok "actionlint: .github/workflows"

echo "e2e/dist: $passed passed, 0 failed"
