#!/usr/bin/env bash
# kvcodec's one test command (the README's, and what .ci/run executes):
#
#   ./scripts/test.sh
#
# 1. scripts/setup.sh        installs redis-server, valkey-server, redis-cli, Python interop
#                            packages and cargo-fuzz where missing (idempotent)
# 2. cargo fmt --check, cargo clippy --workspace --all-targets -D warnings (clippy also
#    checks the MSRV: `incompatible_msrv` flags std APIs newer than rust-version)
# 3. cargo test --workspace --all-targets   unit, integration and live-server tests, benches
#                                           and examples in test mode
# 4. cargo test --workspace --doc           doc tests
# 5. cargo doc -D warnings                  the API docs build without a broken link
# 6. scripts/features.sh                    every crate builds with no features and with each
#                                           feature alone; kvcodec-deflate's tests also run on
#                                           its other flate2 backend (miniz_oxide)
# 7. cargo package --workspace --exclude kvcodec-tests
#                                           every publishable crate packages, and the packaged
#                                           crates build (what crates.io would receive)
# 8. cargo fuzz                             builds fuzz/ (its own workspace) and runs every
#                                           fuzz/fuzz_targets/*.rs for FUZZ_SECONDS each
#
# Environment:
#   FUZZ_SECONDS=20   seconds per fuzz target
#   SKIP_FUZZ=1       skip step 8 (and the cargo-fuzz install)
#   TEST_TIMEOUT=50m  limit for each cargo test step (a hung test fails instead of stalling CI)
#
# Every step runs even if an earlier one failed (except setup); the exit status is non-zero if
# any step failed, and a summary table closes the output.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2

FUZZ_SECONDS="${FUZZ_SECONDS:-20}"
# setup.sh installs promtool and chromium; the alert-rule and HTML-report tests then require
# them rather than skip.
export KVCODEC_REQUIRE_PROMTOOL="${KVCODEC_REQUIRE_PROMTOOL:-1}"
export KVCODEC_REQUIRE_CHROMIUM="${KVCODEC_REQUIRE_CHROMIUM:-1}"
SKIP_FUZZ="${SKIP_FUZZ:-0}"
TEST_TIMEOUT="${TEST_TIMEOUT:-50m}"
[[ "$FUZZ_SECONDS" =~ ^[1-9][0-9]*$ ]] || { echo "FUZZ_SECONDS must be a positive integer, found '$FUZZ_SECONDS'" >&2; exit 2; }

step_names=()
step_results=()
step_seconds=()
failures=0
skipped=0
started=$SECONDS

banner() { printf '\n======== %s ========\n' "$*"; }

# record NAME RESULT SECONDS
record() {
    step_names+=("$1")
    step_results+=("$2")
    step_seconds+=("$3")
    [[ "$2" == FAIL ]] && failures=$((failures + 1))
    [[ "$2" == SKIP ]] && skipped=$((skipped + 1))
    return 0
}

# step NAME COMMAND...: runs COMMAND, streaming its output, and records PASS/FAIL.
step() {
    local name=$1
    shift
    banner "$name: $*"
    local t0=$SECONDS rc=0
    "$@" || rc=$?
    if ((rc == 0)); then
        record "$name" PASS $((SECONDS - t0))
    else
        ((rc == 124)) && echo "[test] $name: timed out after $TEST_TIMEOUT" >&2
        echo "[test] $name: FAILED with exit status $rc" >&2
        record "$name" FAIL $((SECONDS - t0))
    fi
}

summary() {
    banner "kvcodec test summary"
    local i
    for i in "${!step_names[@]}"; do
        printf '%-4s  %6ss  %s\n' "${step_results[$i]}" "${step_seconds[$i]}" "${step_names[$i]}"
    done
    printf 'steps: %d ok, %d failed, %d skipped; wall time %ss\n' \
        $((${#step_names[@]} - failures - skipped)) "$failures" "$skipped" $((SECONDS - started))
}

# --- 1. setup ----------------------------------------------------------------------------------
step "setup" ./scripts/setup.sh
if ((failures)); then
    echo "[test] setup failed: not running the tests (they need the servers it installs)" >&2
    summary
    exit 1
fi

# --- 2. habits -----------------------------------------------------------------------------------
step "cargo fmt --check" cargo fmt --all --check
step "clippy -D warnings" cargo clippy --workspace --all-targets --quiet -- -D warnings

# --- 3, 4. cargo tests -------------------------------------------------------------------------
step "cargo test (all targets)" timeout --kill-after=30s "$TEST_TIMEOUT" cargo test --workspace --all-targets
step "doc tests" timeout --kill-after=30s "$TEST_TIMEOUT" cargo test --workspace --doc

# --- 5, 6, 7. docs, features, packages ---------------------------------------------------------
step "cargo doc -D warnings" env RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --quiet
step "features: none, and each alone" ./scripts/features.sh
step "kvcodec-deflate tests on miniz_oxide" cargo test -p kvcodec-deflate --no-default-features --quiet
# cargo package verifies each crate against the others' packaged sources, which it extracts
# once per version into CARGO_HOME's local-registry folders (`registry/src/-<hash>/`) and
# never again: at an unchanged 0.1.0 a second run would build against the first run's
# sources. Drop kvcodec's extracted copies so the crates verified are the ones just packaged.
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
rm -rf "$cargo_home"/registry/src/-*/kvcodec* "$cargo_home"/registry/cache/-*/kvcodec*
# Nor does cargo rebuild a registry crate of a version it has built before: drop the compiled
# kvcodec crates as well, so the verification compiles the packaged sources.
target_dir="${CARGO_TARGET_DIR:-target}"
rm -rf "$target_dir"/debug/.fingerprint/kvcodec* "$target_dir"/debug/deps/libkvcodec* \
    "$target_dir"/debug/deps/kvcodec*
step "cargo package (publishable crates)" cargo package --workspace --exclude kvcodec-tests --allow-dirty --quiet

# --- 8. fuzz smoke run -------------------------------------------------------------------------
fuzz_targets=()
if [[ -d fuzz/fuzz_targets ]]; then
    for file in fuzz/fuzz_targets/*.rs; do
        [[ -e "$file" ]] && fuzz_targets+=("$(basename "$file" .rs)")
    done
fi

if [[ "$SKIP_FUZZ" == 1 ]]; then
    banner "fuzz: skipped (SKIP_FUZZ=1)"
    record "fuzz (SKIP_FUZZ=1)" SKIP 0
elif ((${#fuzz_targets[@]} == 0)); then
    banner "fuzz: no targets in fuzz/fuzz_targets/, skipped"
    record "fuzz (no targets)" SKIP 0
else
    # cargo-fuzz needs nightly flags; without a nightly toolchain, let stable accept them.
    if cargo +nightly --version >/dev/null 2>&1; then
        fuzz=(cargo +nightly fuzz)
    else
        echo "[test] no nightly toolchain: fuzzing with stable and RUSTC_BOOTSTRAP=1"
        fuzz=(env RUSTC_BOOTSTRAP=1 cargo fuzz)
    fi
    step "fuzz build (${#fuzz_targets[@]} targets)" "${fuzz[@]}" build
    fuzz_logs=target/fuzz-logs
    mkdir -p "$fuzz_logs"
    build_failed=0
    [[ "${step_results[-1]}" == FAIL ]] && build_failed=1
    for target in "${fuzz_targets[@]}"; do
        if ((build_failed)); then
            # Each run would rebuild and fail the same way: counted failed, not run.
            record "fuzz $target (not run: the fuzz build failed)" FAIL 0
            continue
        fi
        log="$fuzz_logs/$target.log"
        banner "fuzz $target: ${FUZZ_SECONDS}s (log: $log)"
        t0=$SECONDS
        if "${fuzz[@]}" run "$target" -- -max_total_time="$FUZZ_SECONDS" >"$log" 2>&1; then
            grep -E '^Done [0-9]+ runs' "$log" || tail -n 3 "$log"
            record "fuzz $target (${FUZZ_SECONDS}s)" PASS $((SECONDS - t0))
        else
            tail -n 80 "$log"
            echo "[test] fuzz $target FAILED; full log in $log, crash inputs in fuzz/artifacts/$target/" >&2
            record "fuzz $target (${FUZZ_SECONDS}s)" FAIL $((SECONDS - t0))
        fi
    done
fi

summary
((failures == 0))
