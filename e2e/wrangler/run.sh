#!/usr/bin/env bash
# End-to-end proof of `cloudwerk-lsp generate` on real tools: the generated types
# and classes pass `tsc --strict` (and typed misuse fails with the right error
# codes), the generated wrangler config bundles with `wrangler deploy --dry-run`,
# and the classes run in workerd (`wrangler dev`) with state that survives a restart
# and storage that an alarm's deleteAll() leaves empty; then template.sh runs an
# app laid out like Cloudwerk's templates (environments, built main, entry export).
# The example app is copied to a temp dir; nothing in the repository is written
# except this folder's node_modules (ignored).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
app="$work/app"
dev_pid=""

# shellcheck source=../lib/wrangler-env.sh
. "$repo/e2e/lib/wrangler-env.sh"

# --- tools ---------------------------------------------------------------------
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=3)?0:1)' ||
	fail "wrangler 4.86 needs Node >= 20.3 (found $(node --version))"
if ! command -v curl >/dev/null; then
	step "installing curl (Debian)"
	apt-get update -qq && apt-get install -y -qq curl >/dev/null
fi
for t in curl timeout setsid sha256sum; do command -v "$t" >/dev/null || fail "missing $t"; done

# npm ci from the committed lockfile, skipped when node_modules matches it already.
lock_sum="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$here/node_modules/.e2e-lock-sum" 2>/dev/null)" != "$lock_sum" ]; then
	step "npm ci"
	(cd "$here" && timeout 300 npm ci --no-audit --no-fund --loglevel=error)
	echo "$lock_sum" >"$here/node_modules/.e2e-lock-sum"
fi
bin="$here/node_modules/.bin"

step "go build"
(cd "$repo" && go build -o "$work/cloudwerk-lsp" ./cmd/cloudwerk-lsp)
cwl="$work/cloudwerk-lsp"

# --- generate --------------------------------------------------------------------
cp -R "$repo/examples/demo-app" "$app"
# The example's files with deliberate mistakes fail at load or run time on purpose
# (e2e/runtime proves that); this suite runs the working app.
grep -rl '^// DELIBERATE MISTAKE' "$app/app" | xargs -r rm --
cp -R "$here/fixture/." "$app/"
ln -s "$here/node_modules" "$app/node_modules"

step "generate"
# The demo's rate limiter has no `sqlite`: --allow-kv records it KV-backed as asked.
"$cwl" generate --allow-kv "$app"
if "$cwl" generate --check "$app"; then :; else fail "generate --check reports stale files right after generate"; fi
before="$(cd "$app" && find .cloudwerk wrangler.toml -type f -print0 | sort -z | xargs -0 sha256sum)"
"$cwl" generate "$app" 2>&1 | grep -q "up to date" || fail "a second generate planned changes"
after="$(cd "$app" && find .cloudwerk wrangler.toml -type f -print0 | sort -z | xargs -0 sha256sum)"
[ "$before" = "$after" ] || fail "a second generate changed bytes"
for b in COUNTER CHAT_ROOM ANALYTICS RATE_LIMITER PROFILE SESSION; do
	grep -q "name = \"$b\"" "$app/wrangler.toml" || fail "wrangler.toml lacks binding $b"
done

# --- tsc ---------------------------------------------------------------------------
cd "$app"
step "tsc --strict: generated types and classes, typed worker and routes"
timeout 180 "$bin/tsc" -p tsconfig.json || fail "tsc rejected the generated files"

step "tsc --strict: typed misuse must fail"
set +e
timeout 180 "$bin/tsc" -p tsconfig.bad.json >"$work/tsc-bad.txt"
status=$?
set -e
cat "$work/tsc-bad.txt"
[ "$status" -ne 0 ] || fail "tsc accepted calls that must not type-check"
for f in bad/*.ts; do
	want="$(sed -n 's|^// expect: \(TS[0-9]*\).*|\1|p' "$f" | head -1)"
	[ -n "$want" ] || fail "$f has no '// expect: TSnnnn' header"
	got="$(grep -c "^$f([0-9,]*): error $want:" "$work/tsc-bad.txt" || true)"
	[ "$got" = 1 ] || fail "$f: want exactly one $want, got $got"
done
others="$(grep -v '^bad/' "$work/tsc-bad.txt" | grep -c 'error TS' || true)"
[ "$others" = 0 ] || fail "tsc reported errors outside bad/"

# --- wrangler deploy --dry-run --------------------------------------------------------
step "wrangler deploy --dry-run (the app's own entry, main = worker.ts)"
timeout 180 "$bin/wrangler" deploy --dry-run --outdir "$work/dist" >"$work/deploy.txt" 2>&1 ||
	{ cat "$work/deploy.txt"; fail "wrangler deploy --dry-run failed"; }
for b in COUNTER CHAT_ROOM ANALYTICS RATE_LIMITER PROFILE SESSION; do
	grep -q "env.$b" "$work/deploy.txt" || { cat "$work/deploy.txt"; fail "deploy lacks binding $b"; }
done
for c in Counter ChatRoom Analytics RateLimiter Profile Session; do
	# esbuild writes `var Counter = class extends DurableObject...`.
	grep -Eq "(class $c|$c = class) extends DurableObject" "$work/dist/worker.js" || fail "bundle lacks class $c"
done

# --- TOML as wrangler reads it ------------------------------------------------------------
# Wrangler's TOML reader is TOML 1.0: what it rejects, check reports as WRANGLER_CONFIG
# (and generate never rewrites); what it reads (a UTF-8 byte order mark), check reads.
step "wrangler.toml: TOML 1.1 inline tables are rejected by both, a UTF-8 BOM is read by both"
toml_case() { # name, sed script or "bom", want: reject|accept
	local dir="$work/toml-$1"
	cp -R "$app" "$dir"
	if [ "$2" = bom ]; then
		printf '\xef\xbb\xbf' | cat - "$app/wrangler.toml" >"$dir/wrangler.toml"
	else
		sed -i "$2" "$dir/wrangler.toml"
	fi
	local wr=0 ours
	(cd "$dir" && timeout 180 "$bin/wrangler" deploy --dry-run --outdir "$dir/dist" >"$dir/deploy.txt" 2>&1) || wr=$?
	ours="$("$cwl" check "$dir" 2>&1 || true)"
	if [ "$3" = reject ]; then
		[ "$wr" != 0 ] && grep -q "not allowed in inline tables" "$dir/deploy.txt" ||
			{ cat "$dir/deploy.txt"; fail "$1: wrangler accepted it"; }
		grep -q "WRANGLER_CONFIG" <<<"$ours" || { echo "$ours"; fail "$1: check accepted what wrangler rejects"; }
	else
		[ "$wr" = 0 ] || { cat "$dir/deploy.txt"; fail "$1: wrangler refused it"; }
		! grep -q "WRANGLER_CONFIG" <<<"$ours" || { echo "$ours"; fail "$1: check refused what wrangler reads"; }
	fi
}
toml_case trailing-comma 's/^\[vars\]$/[vars]\nLIMITS = { cpu = 1, }/' reject
toml_case newline-inside 's/^\[vars\]$/[vars]\nLIMITS = { cpu = 1,\n  mem = 2 }/' reject
toml_case utf8-bom bom accept

# --- wrangler dev (workerd) ------------------------------------------------------------
port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
base="http://127.0.0.1:$port"
start_dev() {
	setsid "$bin/wrangler" dev e2e-worker.ts --ip 127.0.0.1 --port "$port" --persist-to "$work/state" \
		>>"$work/dev.log" 2>&1 &
	dev_pid=$!
	for _ in $(seq 1 240); do
		if curl -s -o /dev/null "$base/"; then return 0; fi
		kill -0 "$dev_pid" 2>/dev/null || { cat "$work/dev.log"; fail "wrangler dev exited"; }
		sleep 0.25
	done
	cat "$work/dev.log"
	fail "wrangler dev did not listen on $base within 60s"
}
get() { curl -s --max-time 30 "$base/$1"; }
expect() {
	local got
	got="$(get "$1")"
	[ "$got" = "$2" ] || { tail -40 "$work/dev.log"; fail "GET /$1: want $2, got $got"; }
	echo "   /$1 -> $got"
}

step "wrangler dev: RPC through the generated classes"
start_dev
expect "counter/increment?by=5" '{"value":5}'
expect "counter/increment?by=5" '{"value":10}'
expect "counter/value" '{"value":10}'
expect "analytics/track?event=signup" '{"total":1,"count":1,"top":[{"name":"signup","n":1}]}'
expect "analytics/track?event=signup" '{"total":2,"count":2,"top":[{"name":"signup","n":2}]}'
expect "limit" '{"allowed":true,"remaining":1}'
expect "limit" '{"allowed":true,"remaining":0}'
expect "limit" '{"allowed":false,"remaining":0}'
expect "chat?text=hello" '{"messages":["hello"]}'
expect "profile" '{"name":"anonymous","visits":0}'
expect "profile/rename?to=ada" '{"name":"ada","visits":1}'
# The schema refuses the new state: the call fails and the saved state stays.
expect "profile/rename?to=" '{"error":"invalid profile state"}'
expect "profile" '{"name":"ada","visits":1}'

step "wrangler dev: an alarm that calls deleteAll() leaves storage empty; list() shows only the object's keys"
expect "session/touch" '{"touches":1}'
expect "session/remember?key=a&value=1" '{"ok":true}'
expect "session/peek" '{"keys":["a"],"touches":1,"stored":{"touches":1}}'
expect "session/clear-soon" '{"ok":true}'
# The alarm sets touches to 1000 and clears storage: nothing may be written back,
# so the next call starts from init (touches 0) on empty storage.
cleared='{"keys":[],"touches":0,"stored":null}'
for _ in $(seq 1 80); do
	got="$(get "session/peek")"
	[ "$got" = "$cleared" ] && break
	case "$got" in *'"keys":[]'*) break ;; esac
	sleep 0.25
done
[ "$got" = "$cleared" ] || { tail -40 "$work/dev.log"; fail "after the deleteAll() alarm: want $cleared, got $got"; }
echo "   /session/peek after the alarm -> $got"

step "wrangler dev restarted: state is durable"
stop_dev
start_dev
expect "counter/value" '{"value":10}'
expect "counter/increment?by=5" '{"value":15}'
expect "analytics/track?event=signup" '{"total":3,"count":3,"top":[{"name":"signup","n":3}]}'
expect "chat?text=again" '{"messages":["hello","again"]}'
expect "profile" '{"name":"ada","visits":1}'
stop_dev

step "an app laid out like Cloudwerk's templates (template.sh)"
bash "$here/template.sh" "$cwl" "$work" || fail "template.sh failed"

step "wrangler deploy --dry-run accepts every golden wrangler edit (codegen/testdata/wrangler), in every environment"
(cd "$repo" && CLOUDWERK_E2E_WRANGLER="$bin/wrangler" go test -count=1 -run '^TestWranglerAcceptsGolden$' ./codegen) ||
	fail "real wrangler refused a golden wrangler edit"

echo "e2e/wrangler: all checks passed"
