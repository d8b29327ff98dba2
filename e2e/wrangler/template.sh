#!/usr/bin/env bash
# End-to-end proof of `cloudwerk-lsp generate` on an app laid out like Cloudwerk's
# create-app templates: a built `main` (dist/index.js via [build]), [assets], an
# [env.preview] without durable_objects, a gitignored .cloudwerk/, and a
# hand-written class declared in cloudwerk.config's durableObjects. Then the
# Worker entry: a bundle whose entry lacks the export is refused by wrangler and
# accepted after ENTRY_EXPORT_MISSING's quick fix.
#
# Usage: template.sh CLOUDWERK_LSP_BINARY WORK_DIR (run.sh calls it after it has
# installed the pinned wrangler into this folder's node_modules).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cwl="$1"
work="$2"
bin="$here/node_modules/.bin"
[ -x "$bin/wrangler" ] || { echo "FAIL: run e2e/wrangler/run.sh (it installs wrangler)" >&2; exit 1; }

fail() {
	echo "FAIL: $*" >&2
	exit 1
}
step() { echo "-- $*"; }
# Runs a command, keeping its exit status and combined output in $status / $out.
capture() {
	set +e
	out="$("$@" 2>&1)"
	status=$?
	set -e
}
wrangler_dry_run() { # DIR [ARGS...]
	local dir="$1"
	shift
	(cd "$dir" && timeout 180 "$bin/wrangler" deploy --dry-run --outdir "$dir/out" "$@" 2>&1)
}

app="$work/template-app"
cp -R "$here/template-app" "$app"
mv "$app/_gitignore" "$app/.gitignore" # as create-app does
mkdir "$app/.git"                      # a checkout: its .gitignore applies
ln -s "$here/node_modules" "$app/node_modules"

step "template app: check reports the missing bindings per environment"
capture "$cwl" check "$app"
echo "$out" | grep -q "BINDING_MISSING: no durable_objects binding COUNTER -> Counter in env.preview of wrangler.toml" ||
	{ echo "$out"; fail "no BINDING_MISSING for env.preview"; }

step "template app: generate --check on a fresh checkout checks the wrangler config, not the ignored files"
capture "$cwl" generate --check "$app"
[ "$status" = 1 ] || { echo "$out"; fail "generate --check: exit $status, want 1 (wrangler.toml is stale)"; }
echo "$out" | grep -q "stale: wrangler.toml" || { echo "$out"; fail "generate --check does not report wrangler.toml"; }
echo "$out" | grep -q "not checked, ignored by git: .cloudwerk/" || { echo "$out"; fail "generate --check does not say what it skipped"; }

step "template app: generate --dry-run and migrations print no wrangler environment warning"
capture "$cwl" generate --dry-run "$app"
! echo "$out" | grep -q "not inherited" || { echo "$out"; fail "generate --dry-run printed wrangler's env warning"; }
capture "$cwl" migrations "$app"
! echo "$out" | grep -q "not inherited" || { echo "$out"; fail "migrations printed wrangler's env warning"; }

step "template app: generate"
capture "$cwl" generate "$app"
[ "$status" = 0 ] || { echo "$out"; fail "generate: exit $status"; }
for b in COUNTER CHAT_ROOM PRESENCE; do
	[ "$(grep -c "name = \"$b\"" "$app/wrangler.toml")" = 2 ] || { cat "$app/wrangler.toml"; fail "$b is not bound at the top level and in env.preview"; }
done
grep -q '^\[\[env.preview.durable_objects.bindings\]\]' "$app/wrangler.toml" || fail "no bindings in env.preview"
[ -f "$app/workers/presence.ts" ] && ! grep -q "Presence" "$app/.cloudwerk/generated/objects/index.ts" || fail "generate touched the hand-written class"
capture "$cwl" generate "$app"
echo "$out" | grep -q "up to date" || { echo "$out"; fail "a second generate planned changes"; }
capture "$cwl" check "$app"
[ "$status" = 0 ] || { echo "$out"; fail "check after generate: exit $status"; }

step "template app: wrangler deploy --dry-run --env preview lists the bindings (and the top level does)"
for env in preview ""; do
	capture wrangler_dry_run "$app" --env="$env"
	[ "$status" = 0 ] || { echo "$out"; fail "wrangler deploy --dry-run --env=$env failed"; }
	for b in COUNTER CHAT_ROOM PRESENCE; do
		echo "$out" | grep -q "env.$b " || { echo "$out"; fail "wrangler deploy --dry-run --env=$env does not list $b"; }
	done
	! echo "$out" | grep -q "No bindings found" || { echo "$out"; fail "wrangler found no bindings (--env=$env)"; }
	! echo "$out" | grep -q "not inherited" || { echo "$out"; fail "wrangler warns about an environment (--env=$env)"; }
	echo "   --env=$env: $(echo "$out" | grep -c 'Durable Object') durable-object bindings"
done

step "template app: a fresh clone (no .cloudwerk/) passes generate --check"
rm -rf "$app/.cloudwerk"
capture "$cwl" generate --check "$app"
[ "$status" = 0 ] || { echo "$out"; fail "generate --check on a fresh clone: exit $status"; }

# --- the Worker entry -----------------------------------------------------------------
entry="$work/entry-app"
cp -R "$here/template-app" "$entry"
mv "$entry/_gitignore" "$entry/.gitignore"
mkdir "$entry/.git"
ln -s "$here/node_modules" "$entry/node_modules"
sed -i 's|^main = "dist/index.js"$|main = "src/index.ts"|' "$entry/wrangler.toml"
grep -v "generated/objects" "$here/template-app/src/index.ts" >"$entry/src/index.ts"
capture "$cwl" generate "$entry"
[ "$status" = 0 ] || { echo "$out"; fail "generate (entry app): exit $status"; }

step "entry without the export: ENTRY_EXPORT_MISSING, and wrangler refuses the bundle"
capture "$cwl" check "$entry"
echo "$out" | grep -q "ENTRY_EXPORT_MISSING: the Worker entry src/index.ts does not export durable-object classes ChatRoom, Counter" ||
	{ echo "$out"; fail "no ENTRY_EXPORT_MISSING"; }
capture wrangler_dry_run "$entry"
[ "$status" != 0 ] && echo "$out" | grep -q "which are not exported in your entrypoint file: .*Counter" ||
	{ echo "$out"; fail "wrangler accepted an entry without the export (exit $status)"; }
echo "   wrangler: $(echo "$out" | grep -o 'Your Worker depends on [^.]*')"

step "entry after the quick fix: check is clean and wrangler accepts the bundle"
# check exits 1 (it has findings); the report is what the fix is read from.
{ "$cwl" check --format json "$entry" || true; } | node "$here/apply-fix.mjs" ENTRY_EXPORT_MISSING
capture "$cwl" check "$entry"
[ "$status" = 0 ] || { echo "$out"; cat "$entry/src/index.ts"; fail "check after the quick fix: exit $status"; }
capture wrangler_dry_run "$entry"
[ "$status" = 0 ] || { echo "$out"; cat "$entry/src/index.ts"; fail "wrangler refused the fixed entry"; }
for c in Counter ChatRoom Presence; do
	grep -Eq "(class $c|$c = class) extends DurableObject" "$entry/out/index.js" || fail "bundle lacks class $c"
done

echo "e2e/wrangler/template.sh: all checks passed"
