#!/usr/bin/env bash
# The quick form of the performance table (SPEC §11): the real binary on a
# 100-object app and the small server figures. It prints the table so a
# regression shows in the CI log, and fails when a run fails (a wrong exit code,
# the memory limit, a timeout) — timings on shared CI machines are too noisy to
# fail on.
set -euo pipefail
cd "$(dirname "$0")/../.."
go run ./e2e/benchtable -quick
