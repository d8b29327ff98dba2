#!/usr/bin/env bash
# Real proof of the run-time rules (SPEC §5.1): objects of the docs-style corpus
# (diagnostics/testdata/corpus, listed in objects.txt) run in workerd under
# `wrangler dev` through the generated classes. What `check` calls a run-time
# failure must fail there with the error its message names, and what it accepts
# must work. A definition without its import must stop the Worker from starting
# (ReferenceError at load), and one imported from the wrong package must not bundle.
# It uses e2e/wrangler's pinned tools (same package.json / lockfile and node_modules).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
tools="$repo/e2e/wrangler"
work="$(mktemp -d)"
app="$work/app"
dev_pid=""

# shellcheck source=../lib/wrangler-env.sh
. "$repo/e2e/lib/wrangler-env.sh"

# --- tools (e2e/wrangler's lockfile; the install is shared with that suite) ------------
for t in curl timeout setsid sha256sum python3; do command -v "$t" >/dev/null || fail "missing $t"; done
lock_sum="$(sha256sum "$tools/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$tools/node_modules/.e2e-lock-sum" 2>/dev/null)" != "$lock_sum" ]; then
	step "npm ci (e2e/wrangler)"
	(cd "$tools" && timeout 300 npm ci --no-audit --no-fund --loglevel=error)
	echo "$lock_sum" >"$tools/node_modules/.e2e-lock-sum"
fi
bin="$tools/node_modules/.bin"

step "go build"
(cd "$repo" && go build -o "$work/cloudwerk-lsp" ./cmd/cloudwerk-lsp)
cwl="$work/cloudwerk-lsp"

# section ARCHIVE FILE prints one file of a corpus archive.
section() {
	python3 - "$repo/diagnostics/testdata/corpus/$1.txtar" "app/objects/$2" <<'PY'
import re, sys
parts = re.split(r"^-- (.+) --$", open(sys.argv[1]).read(), flags=re.M)
for name, body in zip(parts[1::2], parts[2::2]):
    if name == sys.argv[2]:
        sys.stdout.write(body.lstrip("\n"))
        sys.exit(0)
sys.exit("no " + sys.argv[2] + " in " + sys.argv[1])
PY
}

# --- the app: corpus objects, what check says about each ------------------------------
mkdir -p "$app/app/objects"
cp "$here/fixture/e2e-runtime-worker.ts" "$here/fixture/wrangler.toml" "$app/"
ln -s "$tools/node_modules" "$app/node_modules"
while read -r archive file name codes; do
	case "$archive" in '#'* | '') continue ;; esac
	section "$archive" "$file" >"$app/app/objects/$name"
done <"$here/objects.txt"

step "check: each object gets exactly the codes objects.txt lists"
"$cwl" check --format json --output "$work/check.json" "$app" || true
while read -r archive file name codes; do
	case "$archive" in '#'* | '') continue ;; esac
	got="$(python3 - "$work/check.json" "$name" <<'PY'
import json, sys
skip = {"BINDING_MISSING", "MIGRATION_MISSING", "KV_STORAGE"}
res = json.load(open(sys.argv[1]))
codes = sorted({d["code"] for d in res["diagnostics"] if d["path"].endswith("/" + sys.argv[2]) and d["code"] not in skip})
print(" ".join(codes) or "-")
PY
)"
	[ "$got" = "$codes" ] || fail "check on $name: got $got, want $codes"
	echo "   $name: $got"
done <"$here/objects.txt"

step "generate --only types,classes"
"$cwl" generate --only types,classes "$app" >/dev/null
# HANDLER_PARAMS: the typed stub and the class leave the context parameter out.
sed -n '/interface ReadmeCounterStub/,/^}/p' "$app/.cloudwerk/types/durable-objects.d.ts" |
	grep -q 'increment(amount?: number): Promise<unknown>;' ||
	fail "the ReadmeCounter stub exposes its context parameter"
grep -q "async increment(amount?: number)" "$app/.cloudwerk/generated/objects/ReadmeCounter.ts" ||
	fail "the ReadmeCounter class exposes its context parameter" 2>&1
# Bindings and migrations by hand (generate withholds objects with errors): SQLite
# classes for objects that say sqlite: true, KV classes for the others.
python3 - "$work/cloudwerk-lsp" "$app" >>"$app/wrangler.toml" <<'PY'
import json, subprocess, sys
out = json.loads(subprocess.check_output([sys.argv[1], "list", "--json", sys.argv[2]]))
objs = out["apps"][0]["objects"]
for o in objs:
    print(f'\n[[durable_objects.bindings]]\nname = "{o["bindingName"]}"\nclass_name = "{o["className"]}"')
sqlite = [o["className"] for o in objs if o["storage"] == "sqlite"]
kv = [o["className"] for o in objs if o["storage"] != "sqlite"]
print('\n[[migrations]]\ntag = "v1"')
print("new_sqlite_classes = [" + ", ".join(f'"{c}"' for c in sqlite) + "]")
print("new_classes = [" + ", ".join(f'"{c}"' for c in kv) + "]")
PY

# --- wrangler dev ---------------------------------------------------------------------
port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
base="http://127.0.0.1:$port"
start_dev() { # DIR ENTRY
	(cd "$1" && exec setsid "$bin/wrangler" dev "$2" --ip 127.0.0.1 --port "$port" --persist-to "$work/state" \
		>"$work/dev.log" 2>&1 </dev/null) &
	dev_pid=$!
}
wait_up() {
	for _ in $(seq 1 240); do
		if curl -s -o /dev/null "$base/"; then return 0; fi
		kill -0 "$dev_pid" 2>/dev/null || { cat "$work/dev.log"; fail "wrangler dev exited"; }
		sleep 0.25
	done
	cat "$work/dev.log"
	fail "wrangler dev did not listen on $base within 60s"
}
# expect PATH JSON-FRAGMENT: the answer contains the fragment.
expect() {
	local got
	got="$(curl -sg --max-time 30 "$base/$1" || true)"
	case "$got" in
	*"$2"*) echo "   /$1 -> $got" ;;
	*) tail -30 "$work/dev.log"; fail "GET /$1: want $2, got $got" ;;
	esac
}

step "wrangler dev: what the rules report fails, what they accept works"
start_dev "$app" e2e-runtime-worker.ts
wait_up
# SQL_API: sql.run does not exist (the JSDoc example's init), nor prepare.
expect 'call/SQL_RUN/getValue' '"error":"TypeError: ctx.sql.run is not a function"'
expect 'call/ORDERS/place?args=["o1",9.5]' '"error":"TypeError: ctx.sql.run is not a function"'
expect 'call/ORDERS/list' '"error":"TypeError: sql.prepare is not a function"'
expect 'call/LOGGED_COUNTER/increment?args=[2]' '"ok":2'
expect 'call/LOGGED_COUNTER/history' '"ok":[{"action":"increment"}]'
expect 'call/INVENTORY/restock?args=["sku-1",3]' '"ok":null'
expect 'call/INVENTORY/count?args=["sku-1"]' '"ok":3'
# SQL_API: an array passed as one binding.
expect 'call/TAGS/tag?args=["p1",["a","b"]]' '"error":"Error: Wrong number of parameter bindings for SQL query."'
# SQL_WITHOUT_SQLITE: SQL in a KV-backed class.
expect 'call/AUDIT/record?args=["x"]' 'SQL is not enabled'
# HANDLER_PARAMS: the README's increment(ctx, amount) gets the caller's first argument as ctx.
expect 'call/README_COUNTER/increment?args=[5]' '"error":"TypeError: Cannot read properties of undefined (reading'
# (ctx is the number 5 there: ctx.state is undefined before ctx.setState is even reached)
expect 'call/COUNTER_FIXED/increment?args=[5]' '"ok":5'
# ... and fetch(request, ctx) gets env there.
expect 'fetch/SOCKET_ROOM' '"error":"TypeError: ctx.acceptWebSocket is not a function"'
# ... and alarm(ctx) gets nothing: the alarm fires and throws.
expect 'call/REMINDER/remind?args=[50]' '"ok":null'
for _ in $(seq 1 40); do
	grep -q "Cannot read properties of undefined (reading 'storage')" "$work/dev.log" && break
	sleep 0.25
done
grep -q "Cannot read properties of undefined (reading 'storage')" "$work/dev.log" ||
	{ tail -30 "$work/dev.log"; fail "alarm(ctx) did not fail when the alarm fired"; }
echo "   alarm fired: $(grep -m1 -o "TypeError: Cannot read properties of undefined (reading 'storage')" "$work/dev.log")"
# UNKNOWN_CONTEXT_MEMBER: this is only { state, ctx }; ctx.setAlarm is ctx.storage.setAlarm.
expect 'call/CHAT_ROOM/post?args=["ada","hi"]' '"error":"TypeError: this.broadcast is not a function"'
expect 'call/SESSION/login?args=["ada"]' '"error":"TypeError: this.touch is not a function"'
expect 'call/SESSION_FIXED/login?args=["ada"]' '"ok":null'
expect 'call/SESSION_FIXED/whoami' '"ok":"ada"'
expect 'call/EXPIRING/set?args=["v",60000]' '"error":"TypeError: this.ctx.setAlarm is not a function"'
# NO_INIT only where this.state is read; NO_METHODS never for a fetch-only object.
expect 'call/READER/read' '"error":"TypeError: Cannot read properties of undefined'
expect 'call/WRITER/reset' '"ok":null'
expect 'fetch/HELLO' '"ok":"200 hello"'
# STUB_ID: get() takes a DurableObjectId; getByName takes the name.
expect 'ns/COUNTER_FIXED/get?args=["user-123"]' '"error":"TypeError: Failed to execute'
expect 'ns/COUNTER_FIXED/getByName?args=["user-123"]' '"ok":"stub"'
# UNKNOWN_NAMESPACE_MEMBER: there is no getById.
expect 'ns/COUNTER_FIXED/getById?args=["user-123"]' '"error":"TypeError: ns[member] is not a function"'
# RPC_ARGS: an extra argument is dropped by the generated class (increment(amount) adds 1, not 100).
expect 'call/COUNTER_FIXED/increment?args=[1,100]&name=rpc' '"ok":1'
stop_dev
cp "$work/dev.log" "$work/dev-main.log"

# --- DEFINE_NOT_IMPORTED ------------------------------------------------------------------
step "DEFINE_NOT_IMPORTED: no import, the Worker does not start (ReferenceError at load)"
section docs-style no-import.ts >"$app/app/objects/no-import.ts"
"$cwl" check "$app" >"$work/check.txt" 2>&1 || true
grep -q "no-import.ts:5:16: error DEFINE_NOT_IMPORTED" "$work/check.txt" || fail "check does not report no-import.ts"
"$cwl" generate --only types,classes "$app" >/dev/null 2>&1
printf '\n[[durable_objects.bindings]]\nname = "NO_IMPORT"\nclass_name = "NoImport"\n\n[[migrations]]\ntag = "v2"\nnew_sqlite_classes = ["NoImport"]\n' >>"$app/wrangler.toml"
start_dev "$app" e2e-runtime-worker.ts
for _ in $(seq 1 240); do
	grep -q "ReferenceError: defineDurableObject is not defined" "$work/dev.log" && break
	sleep 0.25
done
grep -q "ReferenceError: defineDurableObject is not defined" "$work/dev.log" ||
	{ cat "$work/dev.log"; fail "workerd did not report the ReferenceError"; }
got="$(curl -s --max-time 10 "$base/fetch/HELLO" || true)"
case "$got" in *'"ok":"200 hello"'*) fail "the Worker served requests although a module failed to load" ;; esac
echo "   dev.log: $(grep -m1 -o 'ReferenceError: defineDurableObject is not defined' "$work/dev.log"); /fetch/HELLO -> ${got:-no answer}"
stop_dev
rm "$app/app/objects/no-import.ts"

step "DEFINE_NOT_IMPORTED: imported from @cloudwerk/core, the bundle fails"
section docs-style wrong-package.ts >"$app/app/objects/wrong-package.ts"
"$cwl" check "$app" >"$work/check.txt" 2>&1 || true
grep -q "wrong-package.ts:3:16: error DEFINE_NOT_IMPORTED" "$work/check.txt" || fail "check does not report wrong-package.ts"
"$cwl" generate --only types,classes "$app" >/dev/null 2>&1
if (cd "$app" && timeout 180 "$bin/wrangler" deploy --dry-run --outdir "$work/dist" >"$work/deploy.txt" 2>&1); then
	fail "wrangler bundled a definition imported from @cloudwerk/core"
fi
# (the stand-in of @cloudwerk/core, like the real package, has no such export)
sed 's/\x1b\[[0-9;]*m//g' "$work/deploy.txt" >"$work/deploy.plain"
grep -q 'No matching export in "[^"]*core/index.js" for import "defineDurableObject"' "$work/deploy.plain" ||
	{ cat "$work/deploy.plain"; fail "wrangler failed for another reason"; }
echo "   $(grep -m1 -o 'No matching export in "[^"]*" for import "defineDurableObject"' "$work/deploy.plain")"

echo "e2e/runtime: all checks passed"
