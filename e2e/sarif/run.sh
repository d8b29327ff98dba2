#!/usr/bin/env bash
# End-to-end check of `cloudwerk-lsp check --format sarif` with Microsoft's SARIF
# validator (the one GitHub code scanning points to): the output for an app full
# of findings, for the demo app and for a clean app is valid SARIF 2.1.0 with no
# validator errors or warnings. Also checks exit codes and that the JSON report
# parses. Apps are built in a temp dir; nothing in the repository is written
# except this folder's node_modules (ignored).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() {
	echo "FAIL: $*" >&2
	exit 1
}
step() { echo "-- $*"; }

export npm_config_cache="$work/npm-cache" npm_config_update_notifier=false
# the validator is a self-contained .NET app; no ICU needed for validation
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	step "installing node and npm (Debian)"
	apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
fi

lock_sum="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$here/node_modules/.e2e-lock-sum" 2>/dev/null)" != "$lock_sum" ]; then
	step "npm ci"
	(cd "$here" && timeout 300 npm ci --no-audit --no-fund --loglevel=error)
	echo "$lock_sum" >"$here/node_modules/.e2e-lock-sum"
fi
validator="$here/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
[ -f "$validator" ] || fail "SARIF validator not installed at $validator"
chmod u+x "$validator" # its postinstall does this, but npm may skip install scripts

step "go build"
(cd "$repo" && go build -o "$work/cloudwerk-lsp" ./cmd/cloudwerk-lsp)
cwl="$work/cloudwerk-lsp"
export CLOUDWERK_LSP_CACHE=off

# extract_txtar FILE DIR writes every file of a txtar archive except want/* into DIR.
extract_txtar() {
	awk -v dir="$2" '
		/^-- .+ --$/ {
			name = substr($0, 4, length($0) - 6)
			out = ""
			if (name !~ /^want\//) {
				out = dir "/" name
				d = out; sub(/\/[^\/]*$/, "", d)
				system("mkdir -p \"" d "\"")
				printf "" > out
			}
			next
		}
		out != "" { print >> out }
	' "$1"
}

# validate NAME SARIF: the validator must report nothing at all.
validate() {
	local log="$work/$1.validation.sarif" out
	out="$(timeout 120 "$validator" validate "$2" -o "$log" --log ForceOverwrite 2>&1)" || {
		echo "$out" >&2
		fail "$1: the validator rejected the SARIF"
	}
	if grep -E ': (error|warning) [A-Z]+[0-9]+' <<<"$out" >&2; then
		fail "$1: the validator reported problems"
	fi
	echo "   $1: valid ($(grep -c '"ruleId"' "$2") results)"
}

# check_app NAME DIR WANT_EXIT: sarif + json reports with the expected exit code.
check_app() {
	local code=0
	(cd "$2" && "$cwl" check --format sarif --output "$work/$1.sarif" .) 2>"$work/$1.stderr" || code=$?
	[ "$code" = "$3" ] || fail "$1: check exited $code, want $3 ($(cat "$work/$1.stderr"))"
	validate "$1" "$work/$1.sarif"
	code=0
	(cd "$2" && "$cwl" check --format json .) >"$work/$1.json" || code=$?
	[ "$code" = "$3" ] || fail "$1: check --format json exited $code, want $3"
	node -e '
		const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		if (r.version !== 2 || !Array.isArray(r.diagnostics) || !Array.isArray(r.fixes)) process.exit(1);
		for (const d of r.diagnostics) {
			if (d.range.start.line < 1 || d.range.start.column < 1) process.exit(1);
			for (const id of d.fixes) if (!r.fixes[id] || r.fixes[id].id !== id) process.exit(1);
		}
	' "$work/$1.json" || fail "$1: JSON report has the wrong shape"
}

step "broken app (every rule this tool owns fires)"
mkdir -p "$work/broken"
extract_txtar "$repo/diagnostics/testdata/check/broken.txtar" "$work/broken"
check_app broken "$work/broken" 1
grep -q '"ruleId": "UNKNOWN_METHOD"' "$work/broken.sarif" || fail "broken: no UNKNOWN_METHOD result"
grep -q '"relatedLocations"' "$work/broken.sarif" || fail "broken: no relatedLocations"

step "demo app"
cp -r "$repo/examples/demo-app" "$work/demo"
rm -rf "$work/demo/node_modules"
code=0
(cd "$work/demo" && "$cwl" check --format sarif --output "$work/demo.sarif" .) 2>/dev/null || code=$?
[ "$code" = 0 ] || [ "$code" = 1 ] || fail "demo: check exited $code"
validate demo "$work/demo.sarif"

step "clean app (results: [])"
mkdir -p "$work/clean"
extract_txtar "$repo/diagnostics/testdata/check/clean.txtar" "$work/clean"
(cd "$work/clean" && "$cwl" check --format sarif --output "$work/clean.sarif" . 2>/dev/null) ||
	fail "clean: check found problems"
grep -q '"results": \[\]' "$work/clean.sarif" || fail "clean: results is not []"
validate clean "$work/clean.sarif"

echo "sarif e2e passed"
