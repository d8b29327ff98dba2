#!/usr/bin/env bash
# One-off capture of editors/nvim/screenshot.png: Neovim in a detached tmux
# pane on a copy of the test fixture, the pane captured with its colours and
# rendered by ansi2png.py. Needs tmux, neovim, python3-pil, fonts-dejavu-core.
# NVIM picks the Neovim binary (default: nvim on PATH), e.g. the 0.11 one test.sh
# installs; OUT the image (default: screenshot.png beside the plugin).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
plugin=$(cd "$here/.." && pwd -P)
repo=$(cd "$plugin/../.." && pwd -P)
cols=${COLS:-132} rows=${ROWS:-22}
nvim=${NVIM:-nvim}
out=${OUT:-$plugin/screenshot.png}

work=$(mktemp -d)
sock="cloudwerk-shot-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT

# CLOUDWERK_BIN picks a prebuilt server; by default the repository's is built.
bin=${CLOUDWERK_BIN:-}
if [ -z "$bin" ]; then
  (cd "$repo" && go build -o "$work/cloudwerk-lsp" ./cmd/cloudwerk-lsp)
  bin="$work/cloudwerk-lsp"
fi
cp -R "$plugin/testdata/app" "$work/app"

tmux -L "$sock" -f /dev/null new-session -d -x "$cols" -y "$rows" \
  -e CLOUDWERK_PLUGIN="$plugin" -e CLOUDWERK_BIN="$bin" \
  -e CLOUDWERK_READY="$work/ready" -e XDG_STATE_HOME="$work/state" -e XDG_CACHE_HOME="$work/cache" \
  "cd '$work/app' && TERM=tmux-256color COLORTERM=truecolor '$nvim' -u '$here/init.lua' -i NONE app/objects/hit-log.ts"
tmux -L "$sock" set-option -g -s terminal-overrides ',*:Tc' >/dev/null

for _ in $(seq 1 100); do
  [ -f "$work/ready" ] && break
  sleep 0.2
done
[ -f "$work/ready" ] || { echo "capture: Neovim never showed the hover" >&2; exit 1; }

tmux -L "$sock" capture-pane -e -p > "$work/pane.ansi"
"${PYTHON:-python3}" "$here/ansi2png.py" "$work/pane.ansi" "$out" "$cols" "$rows"
echo "wrote $out ($(wc -c < "$out") bytes)"
