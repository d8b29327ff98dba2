# Shared set-up of the suites that drive wrangler and workerd (sourced, not run).
# The caller sets `work` (a scratch folder removed on exit) and `dev_pid` (the
# process group of a running `wrangler dev`, "" when none) before sourcing.

stop_dev() {
	if [ -n "$dev_pid" ]; then
		kill -TERM -- "-$dev_pid" 2>/dev/null || true
		wait "$dev_pid" 2>/dev/null || true
		dev_pid=""
	fi
}
cleanup() {
	stop_dev
	rm -rf "$work"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*" >&2
	exit 1
}
step() { echo "-- $*"; }

# wrangler keeps its config, logs and npm cache in the scratch folder, sends no
# metrics and prints no colour.
export WRANGLER_SEND_METRICS=false CI=1 NO_COLOR=1 FORCE_COLOR=0
export XDG_CONFIG_HOME="$work/config" WRANGLER_LOG_PATH="$work/wrangler-logs"
export npm_config_cache="$work/npm-cache" npm_config_update_notifier=false

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	step "installing node and npm (Debian)"
	apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
fi
