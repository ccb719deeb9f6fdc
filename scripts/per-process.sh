#!/usr/bin/env bash
# The engine against the direct codec call, one variant per process, alternating: for each
# "CODEC OP INPUT" given (default: every codec and direction at 60–300 B and 1 KiB), runs
# `ops time engine/CODEC …` and `ops time direct/CODEC …` in separate processes, ROUNDS times
# in turn (default 5), and prints the engine's overhead from the fastest process of each
# side and as the median of the per-round ratios.
#
#   scripts/per-process.sh                          # every codec, both directions
#   ROUNDS=9 scripts/per-process.sh "snappy encode json-60-300B"
#
# Each `ops time` process times its contender alone (the fastest of rounds of batches, as
# `ops pair` does for two), so neither side shares the caches with the other's code.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${ROUNDS:-5}
# CARGO: the cargo to build with (a wrapper that serialises builds, say).
bin=$("${CARGO:-cargo}" bench -p kvcodec-tests --bench codecs --no-run --message-format=json |
    python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "codecs" and m.get("executable"):
        print(m["executable"])')
if [ -z "$bin" ]; then
    echo "per-process.sh: the codecs bench did not build (cargo bench -p kvcodec-tests --bench codecs --no-run)" >&2
    exit 1
fi

specs=("$@")
if [ ${#specs[@]} -eq 0 ]; then
    for input in json-60-300B json-1KiB; do
        for codec in zstd-1 zstd-3 zstd-9 lz4 snappy deflate-1 deflate-6; do
            for op in encode decode; do specs+=("$codec $op $input"); done
        done
    done
fi

ns() { "$bin" ops time "$1" "$2" "$3" | sed -E 's/.*: ([0-9.]+) ns per value.*/\1/'; }

for spec in "${specs[@]}"; do
    read -r codec op input <<<"$spec"
    engine=() direct=()
    for ((r = 0; r < rounds; r++)); do
        engine+=("$(ns "engine/$codec" "$op" "$input")")
        direct+=("$(ns "direct/$codec" "$op" "$input")")
    done
    python3 - "$input" "$codec" "$op" "${engine[*]}" "${direct[*]}" <<'EOF'
import statistics, sys
inp, codec, op, e, d = sys.argv[1:]
e = [float(x) for x in e.split()]
d = [float(x) for x in d.split()]
fastest = min(e) / min(d) - 1
paired = statistics.median(a / b for a, b in zip(e, d)) - 1
print(f"{inp} {codec} {op}: engine {min(e):.1f} ns, direct {min(d):.1f} ns per value: "
      f"{100 * fastest:+.1f} % (fastest process), {100 * paired:+.1f} % (median of rounds)")
EOF
done
