#!/usr/bin/env bash
# Tests the Neovim integration headless: the plugin's unit tests, then an
# end-to-end run against a freshly built cloudwerk-lsp on a scratch copy of
# testdata/app (diagnostics, hover, a quick fix and the generate action, with
# the files on disk checked). Installs Debian's neovim when nvim is missing.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$here/../.." && pwd -P)

if ! command -v nvim >/dev/null 2>&1; then
  echo "editors/nvim: installing neovim" >&2
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq neovim >/dev/null
fi
nvim --version | head -n 1

work=$(mktemp -d)
work=$(cd "$work" && pwd -P)
# Headless Neovim stops the servers it started when it exits (and a server
# whose stdin closes exits too), so removing the scratch folder is all.
trap 'rm -rf "$work"' EXIT

# Isolate Neovim from any user configuration, state and log of the machine.
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" \
  XDG_STATE_HOME="$work/state" XDG_CACHE_HOME="$work/cache"
export CLOUDWERK_PLUGIN="$here"

echo "editors/nvim: unit tests"
timeout 60 nvim --headless -u NONE -i NONE -c "luafile $here/test/unit.lua" </dev/null

# Built with -race: it reuses what `go test -race ./...` compiled before this
# script in CI, and a data race met while serving Neovim fails the run.
echo "editors/nvim: building cloudwerk-lsp (-race)"
(cd "$repo" && go build -race -o "$work/cloudwerk-lsp" ./cmd/cloudwerk-lsp)

cp -R "$here/testdata/app" "$work/app"
export CLOUDWERK_BIN="$work/cloudwerk-lsp" CLOUDWERK_APP="$work/app"
export CLOUDWERK_LSP_LOG="${CLOUDWERK_LSP_LOG:-info}"

echo "editors/nvim: end-to-end against the server"
status=0
timeout 180 nvim --headless -u NONE -i NONE -c "luafile $here/test/e2e.lua" </dev/null || status=$?
if [ "$status" != 0 ]; then
  echo "editors/nvim: end-to-end FAILED (exit $status); Neovim's LSP log:" >&2
  for f in "$XDG_CACHE_HOME/nvim/lsp.log" "$XDG_STATE_HOME/nvim/lsp.log"; do
    if [ -f "$f" ]; then tail -n 60 "$f" >&2; fi
  done
  exit 1
fi
echo "editors/nvim: end-to-end passed"
