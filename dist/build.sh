#!/usr/bin/env bash
# Builds every release artefact into OUTDIR:
#   - cloudwerk-lsp for each platform below, cross-compiled with cgo through `zig cc`
#     (tree-sitter is C), reproducibly: -trimpath, empty build id, no VCS stamp, stripped;
#   - the npm packages (the `cloudwerk-lsp` launcher + one `@cloudwerk-lsp/<os>-<cpu>` per
#     platform), as `npm pack` tarballs;
#   - one platform-specific VS Code extension (.vsix) per platform, with its server inside.
# Installs its own tools: zig from PyPI's `ziglang` (pinned) into the CI cache folder, the
# extension's npm packages from its committed lockfile. The version comes from one place,
# analysis/version.go, and is stamped into every package.
#
#   bash dist/build.sh OUTDIR                      everything
#   CLOUDWERK_DIST_TARGETS="linux-x64" bash dist/build.sh OUTDIR   a subset (local use)
#   CLOUDWERK_DIST_REBUILD=1 ...     ignore the cached binaries (Go's build cache still applies)
set -euo pipefail

if [ $# -ne 1 ]; then
	echo "usage: bash dist/build.sh OUTDIR" >&2
	exit 2
fi
repo="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$1"
out="$(cd "$1" && pwd)"
cache="${CLOUDWERK_CI_CACHE:-$HOME/.cache/cloudwerk-lsp-ci}"
mkdir -p "$cache"

ZIG_VERSION=0.14.1
# npm/VS Code name, GOOS, GOARCH, zig target. Linux binaries are static (musl), so one
# binary serves glibc and musl distributions alike.
TARGETS="
linux-x64    linux   amd64 x86_64-linux-musl
linux-arm64  linux   arm64 aarch64-linux-musl
darwin-x64   darwin  amd64 x86_64-macos
darwin-arm64 darwin  arm64 aarch64-macos
win32-x64    windows amd64 x86_64-windows-gnu
"
selected="${CLOUDWERK_DIST_TARGETS:-$(awk 'NF {print $1}' <<<"$TARGETS" | tr '\n' ' ')}"

version="$(sed -n 's/^const Version = "\(.*\)"$/\1/p' "$repo/analysis/version.go")"
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
	echo "dist/build.sh: no semver Version in analysis/version.go (got '$version')" >&2
	exit 1
fi
# Fixed timestamps for everything packed, so the archives are reproducible too.
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-315532800}" # 1980-01-01, the zip epoch

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*"; }

# --- zig, pinned, from PyPI --------------------------------------------------------------
zig_dir="$cache/ziglang-$ZIG_VERSION"
if [ ! -f "$zig_dir/.installed" ]; then
	log "installing ziglang==$ZIG_VERSION (PyPI) into $zig_dir"
	rm -rf "$zig_dir"
	python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --target "$zig_dir" "ziglang==$ZIG_VERSION"
	touch "$zig_dir/.installed"
fi
zig="$zig_dir/ziglang/zig"
export ZIG_GLOBAL_CACHE_DIR="$cache/zig-cache" ZIG_LOCAL_CACHE_DIR="$cache/zig-cache"
log "zig $("$zig" version), $(go version)"

# --- binaries -----------------------------------------------------------------------------
# Everything that goes into a binary: the Go and C sources, the module graph, this
# script, the tool versions. A hit skips the build; Go's own build cache covers the rest.
inputs_key() {
	(
		cd "$repo"
		go version
		"$zig" version
		sha256sum go.mod go.sum dist/build.sh
		find . -mindepth 1 \( -name node_modules -o -name '.*' -o -name testdata -o -path ./e2e -o -path ./editors -o -path ./examples \) -prune -o \
			\( -name '*.go' ! -name '*_test.go' -o -name '*.c' -o -name '*.h' \) -type f -print | LC_ALL=C sort | xargs sha256sum
	) | sha256sum | cut -c1-16
}
key="$(inputs_key)"
bincache="$cache/dist-bin"
mkdir -p "$bincache"
# Keep only the current inputs' binaries.
find "$bincache" -mindepth 1 -maxdepth 1 ! -name "$key" -exec rm -rf {} +

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

# zig ships macOS's libSystem but no SDK: no frameworks, no libresolv. Go's crypto/x509
# (linked in through zap -> net/http) imports CoreFoundation and Security symbols by
# name, and internal/syscall/unix imports libresolv's. Stubs in the SDK's own text
# format (.tbd) naming those symbols and the system install paths let the linker write
# the load commands; the symbols come from the Go sources being linked, so they follow
# the Go version.
darwin_sdk_stubs() { # goarch dir
	local goarch=$1 dir=$2
	(cd "$repo" && CGO_ENABLED=1 GOOS=darwin GOARCH="$goarch" go list -deps \
		-f '{{$d := .Dir}}{{range .GoFiles}}{{$d}}/{{.}}{{"\n"}}{{end}}{{range .CgoFiles}}{{$d}}/{{.}}{{"\n"}}{{end}}' ./cmd/cloudwerk-lsp) |
		xargs cat |
		awk '$1 == "//go:cgo_import_dynamic" && NF == 4 && $4 !~ /libSystem/ { gsub(/"/, "", $4); print $4, $3 }' |
		LC_ALL=C sort -u >"$dir/imports"
	local lib file
	for lib in $(cut -d' ' -f1 "$dir/imports" | uniq); do
		case "$lib" in
		/System/Library/Frameworks/*.framework/Versions/A/*)
			file="$dir/${lib##*/}.framework/${lib##*/}.tbd" ;;
		/usr/lib/lib*.dylib)
			file="${lib##*/}"
			file="$dir/${file%%.*}.tbd" ;;
		*)
			echo "dist/build.sh: no stub for $lib" >&2
			return 1 ;;
		esac
		mkdir -p "$(dirname "$file")"
		{
			echo '--- !tapi-tbd'
			echo 'tbd-version: 4'
			echo 'targets: [ x86_64-macos, arm64-macos ]'
			echo "install-name: '$lib'"
			echo 'exports:'
			echo '  - targets: [ x86_64-macos, arm64-macos ]'
			echo "    symbols: [ $(awk -v lib="$lib" '$1 == lib {printf "%s_%s", sep, $2; sep = ", "}' "$dir/imports") ]"
			echo '...'
		} >"$file"
	done
}

build_binary() { # name goos goarch zigtarget dest
	local name=$1 goos=$2 goarch=$3 zt=$4 dest=$5
	local ldflags="-s -w -buildid="
	if [ "$goos" = darwin ]; then
		mkdir -p "$stage/sdk-$goarch"
		darwin_sdk_stubs "$goarch" "$stage/sdk-$goarch"
		# Link-only flags: compile actions (and Go's build cache) do not see them.
		ldflags="$ldflags '-extldflags=-F$stage/sdk-$goarch -L$stage/sdk-$goarch'"
	fi
	if [ "$goos" = linux ]; then
		# Static (musl): runs on any distribution; -s: also strip the C objects' symbols.
		ldflags="$ldflags -linkmode=external '-extldflags=-static -s'"
	fi
	(
		cd "$repo"
		# CGO_CFLAGS without -g: no C debug info to strip, and a faster compile of the grammar.
		CGO_ENABLED=1 GOOS="$goos" GOARCH="$goarch" GOFLAGS=-mod=readonly GOTOOLCHAIN=local \
			CGO_CFLAGS="-O2" CC="$zig cc -target $zt" CXX="$zig c++ -target $zt" \
			go build -trimpath -buildvcs=false -tags netgo,osusergo -ldflags="$ldflags" -o "$dest" ./cmd/cloudwerk-lsp
	)
}

# THIRD_PARTY_NOTICES.md: every licence of code linked into the binary for one target.
write_notices() { # goos goarch libc-licence dest
	local goos=$1 goarch=$2 libc=$3 dest=$4
	{
		echo "# Third-party notices for cloudwerk-lsp $version ($goos/$goarch)"
		echo
		echo "cloudwerk-lsp is MIT-licensed. The binary also contains the code below, under these licences."
		section() { # title file
			printf '\n## %s\n\n```text\n' "$1"
			cat "$2"
			printf '\n```\n'
		}
		section "The Go standard library and runtime (go.dev)" "$(go env GOROOT)/LICENSE"
		section "tree-sitter, the C parsing library (github.com/tree-sitter/tree-sitter)" "$repo/dist/licenses/tree-sitter.LICENSE"
		(cd "$repo" && CGO_ENABLED=1 GOOS="$goos" GOARCH="$goarch" go list -deps \
			-f '{{with .Module}}{{if not .Main}}{{.Path}}@{{.Version}} {{.Dir}}{{end}}{{end}}' ./cmd/cloudwerk-lsp) |
			LC_ALL=C sort -u | while read -r mod dir; do
			found=0
			for f in "$dir"/LICENSE* "$dir"/LICENCE* "$dir"/COPYING* "$dir"/NOTICE*; do
				[ -f "$f" ] || continue
				section "$mod ($(basename "$f"))" "$f"
				found=1
			done
			if [ "$found" = 0 ]; then
				echo "dist/build.sh: no licence file in $mod ($dir)" >&2
				exit 1
			fi
		done
		case "$libc" in
		musl) section "musl libc, linked statically (musl.libc.org)" "$zig_dir/ziglang/lib/libc/musl/COPYRIGHT" ;;
		mingw) section "mingw-w64 runtime, linked statically (mingw-w64.org)" "$zig_dir/ziglang/lib/libc/mingw/COPYING" ;;
		esac
	} >"$dest"
}

while read -r name goos goarch zt; do
	[ -n "$name" ] || continue
	case " $selected " in *" $name "*) ;; *) continue ;; esac
	exe=cloudwerk-lsp
	[ "$goos" = windows ] && exe=cloudwerk-lsp.exe
	cached="$bincache/$key/$name/$exe"
	if [ -f "$cached" ] && [ -z "${CLOUDWERK_DIST_REBUILD:-}" ]; then
		log "$name: cached binary ($key)"
	else
		log "$name: go build ($goos/$goarch, zig cc -target $zt)"
		start=$(date +%s)
		mkdir -p "$bincache/$key/$name"
		build_binary "$name" "$goos" "$goarch" "$zt" "$cached.tmp"
		# lld stamps each Windows link with a time and a fresh GUID; make them content-derived.
		[ "$goos" = windows ] && python3 "$repo/dist/pe_normalize.py" "$cached.tmp"
		mv "$cached.tmp" "$cached"
		log "$name: built in $(($(date +%s) - start)) s"
	fi
	libc=none
	[ "$goos" = linux ] && libc=musl
	[ "$goos" = windows ] && libc=mingw
	mkdir -p "$stage/bin/$name"
	install -m 0755 "$cached" "$stage/bin/$name/$exe"
	write_notices "$goos" "$goarch" "$libc" "$stage/bin/$name/THIRD_PARTY_NOTICES.md"
	echo "$name $goos $goarch $exe" >>"$stage/targets"
done <<<"$TARGETS"
[ -s "$stage/targets" ] || { echo "dist/build.sh: no target selected ($selected)" >&2; exit 2; }
(cd "$stage/bin" && sha256sum */cloudwerk-lsp*) >"$out/SHA256SUMS.binaries"

# --- npm packages -------------------------------------------------------------------------
log "npm packages $version"
node "$repo/dist/packages.mjs" "$repo" "$version" "$stage/targets" "$stage/bin" "$stage/npm"
for pkg in "$stage"/npm/*/; do
	find "$pkg" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
	(cd "$pkg" && npm pack --silent --pack-destination "$out" >/dev/null)
done

# --- VS Code extension, one .vsix per platform --------------------------------------------
ext="$repo/editors/vscode"
log "VS Code extension bundle"
# npm ci only when node_modules is not from the committed lockfile already.
lock_sum="$(sha256sum "$ext/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$ext/node_modules/.cloudwerk-lockfile-sha256" 2>/dev/null)" != "$lock_sum" ]; then
	(cd "$ext" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error)
	echo "$lock_sum" >"$ext/node_modules/.cloudwerk-lockfile-sha256"
fi
(cd "$ext" && node esbuild.mjs --production)
ext_version="$(node -p 'require(process.argv[1]).version' "$ext/package.json")"
while read -r name _goos _goarch exe; do
	vs="$stage/vsix/$name"
	mkdir -p "$vs/dist" "$vs/server"
	cp "$ext/README.md" "$ext/CHANGELOG.md" "$ext/LICENSE" "$ext/.vscodeignore" "$vs/"
	cp "$ext/dist/extension.js" "$vs/dist/"
	# The bundle is already built for production above; the copy needs no build step.
	node -e '
const fs = require("fs"); const [src, dst] = process.argv.slice(1);
const p = JSON.parse(fs.readFileSync(src, "utf8"));
delete p.scripts["vscode:prepublish"];
fs.writeFileSync(dst, JSON.stringify(p, null, 2) + "\n");' "$ext/package.json" "$vs/package.json"
	install -m 0755 "$stage/bin/$name/$exe" "$vs/server/$exe"
	install -m 0644 "$stage/bin/$name/THIRD_PARTY_NOTICES.md" "$vs/server/THIRD_PARTY_NOTICES.md"
	find "$vs" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
	(cd "$vs" && "$ext/node_modules/.bin/vsce" package --no-dependencies --target "$name" \
		--out "$out/cloudwerk-lsp-$name-$ext_version.vsix" >"$stage/vsce-$name.log" 2>&1) ||
		{ cat "$stage/vsce-$name.log" >&2; exit 1; }
done <"$stage/targets"

log "done: $out"
(cd "$out" && ls -l -- *.tgz *.vsix)
