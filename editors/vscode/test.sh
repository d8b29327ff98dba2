#!/usr/bin/env bash
# The VS Code extension's suite: install pinned dependencies, type-check, unit
# tests, bundle, package the .vsix, then the protocol end-to-end test against a
# freshly built cloudwerk-lsp, then the .vsix in a real VS Code (code-server in
# headless Chromium; ui-test/). Needs Node 20+, npm, Go and apt-get (for Chromium).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$here"

for tool in node npm go; do
	command -v "$tool" >/dev/null || { echo "editors/vscode/test.sh: $tool is required" >&2; exit 1; }
done

work="$(mktemp -d)"
cleanup() { rm -rf "$work" "$here/cloudwerk-lsp.vsix"; }
trap cleanup EXIT

echo "-- npm ci"
npm ci --prefer-offline --no-audit --no-fund --loglevel=error

echo "-- type-check (tsc --noEmit)"
npm run --silent typecheck

echo "-- unit tests (node --test)"
npm run --silent test:unit

echo "-- bundle (esbuild)"
npm run --silent bundle
test -s dist/extension.js
echo "-- activation tests against the bundle"
CLOUDWERK_EXTENSION_BUNDLE=dist/extension.js node --import tsx --test test/unit/activation.test.ts >"$work/bundle-test.log" 2>&1 || { cat "$work/bundle-test.log"; exit 1; }
grep -E '^# (pass|fail)' "$work/bundle-test.log"

echo "-- package (vsce)"
npx --no-install vsce package --no-dependencies --out cloudwerk-lsp.vsix >"$work/vsce.log" 2>&1 || { cat "$work/vsce.log"; exit 1; }
test -s cloudwerk-lsp.vsix
# A .vsix is a zip; its central directory lists the names uncompressed.
node -e '
const buf = require("fs").readFileSync("cloudwerk-lsp.vsix");
for (const want of ["extension/package.json", "extension/dist/extension.js", "extension.vsixmanifest", "extension/LICENSE"]) {
  if (!buf.includes(Buffer.from(want))) { console.error("vsix lacks " + want); process.exit(1); }
}
if (buf.includes(Buffer.from("extension/node_modules/"))) { console.error("vsix bundles node_modules"); process.exit(1); }
console.log("cloudwerk-lsp.vsix: " + buf.length + " bytes");
'

echo "-- build cloudwerk-lsp"
(cd "$repo" && go build -o "$work/cloudwerk-lsp" ./cmd/cloudwerk-lsp)
"$work/cloudwerk-lsp" version

echo "-- end-to-end: protocol test, and the packaged bundle with the real server"
# dist/extension.js is now the minified bundle vsce packaged (vscode:prepublish).
CLOUDWERK_LSP_BIN="$work/cloudwerk-lsp" CLOUDWERK_EXTENSION_BUNDLE=dist/extension.js npm run --silent test:e2e

echo "-- real VS Code: the .vsix in code-server, driven through headless Chromium (ui-test/run.sh)"
# Installs code-server, Node 24, Chromium and playwright-core (pinned, cached) on first use.
bash "$here/ui-test/run.sh" cloudwerk-lsp.vsix "$work/cloudwerk-lsp"

echo "editors/vscode: all passed"
