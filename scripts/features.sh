#!/usr/bin/env bash
# Checks that every publishable crate builds with no features, and with each of its features
# alone (`cargo check --no-default-features [--features F]`), so a feature that forgets to
# enable what it needs (as `aio` once did: it did not turn on `redis/aio`) fails here.
#
#   ./scripts/features.sh            every crate but the test harness
#   ./scripts/features.sh kvcodec    one crate
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON="${PYTHON:-python3}"
# "crate feature" lines: one with an empty feature for the no-feature build.
plan=$(cargo metadata --no-deps --format-version 1 | "$PYTHON" -c '
import json, sys
only = sys.argv[1:]
for p in json.load(sys.stdin)["packages"]:
    if p.get("publish") == [] or (only and p["name"] not in only):
        continue
    print(p["name"], "")
    for f in sorted(p["features"]):
        if f != "default":
            print(p["name"], f)
' "$@")

failed=0
while read -r crate feature; do
    [[ -n "$crate" ]] || continue
    args=(check --quiet -p "$crate" --no-default-features)
    [[ -n "$feature" ]] && args+=(--features "$feature")
    printf '[features] %-16s %s\n' "$crate" "${feature:-(none)}"
    if ! cargo "${args[@]}"; then
        echo "[features] FAILED: cargo ${args[*]}" >&2
        failed=1
    fi
done <<<"$plan"
exit "$failed"
