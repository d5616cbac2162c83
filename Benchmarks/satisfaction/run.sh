#!/usr/bin/env bash
# Satisfaction benchmark: `cva satisfaction` against the same NPS/CSAT/CES aggregation in pandas,
# side by side in one run on one surveys file of ROWS answers. Writes the results between the
# markers <!-- satisfaction:begin --> and <!-- satisfaction:end --> of BENCHMARKS.md.
#
# usage: bash Benchmarks/satisfaction/run.sh
#
# Environment (all optional):
#   ROWS=1000000       survey answers in the file
#   RUNS=3             timed runs per contestant; medians are reported
#   CVA_BIN=path       use this cva binary instead of building one
#   SKIP_BUILD=0       1: do not run `swift build`, use .build/release/cva as it is
#   BENCH_DIR=.build/bench-satisfaction   data, outputs, logs and raw results
#
# Needs: python3 (with venv), Swift for the build, GNU time (installed with apt-get if missing).
# pandas is installed from requirements.txt into .build/bench-venv, never the system Python.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
ROWS="${ROWS:-1000000}"
RUNS="${RUNS:-3}"
SKIP_BUILD="${SKIP_BUILD:-0}"
BENCH_DIR="${BENCH_DIR:-$ROOT/.build/bench-satisfaction}"

# VENV, PY, RESULTS, SEED, LOAD_AT_START; say, warn, meta, ensure_gnu_time, ensure_venv, find_cva,
# require_cva, new_results, common_meta, reuse_data, run_contestant
. "$HERE/../lib.sh"

ensure_gnu_time
ensure_venv
find_cva
require_cva

new_results $'label\tcustomers\trows\tcontestant\trun\texit\twall_s\tpeak_kb\tcpu_s'
mkdir -p "$BENCH_DIR/out" "$BENCH_DIR/logs"
common_meta
meta runs "$RUNS"

# --- data: reused while the generator and its arguments are unchanged ---
DATA="$BENCH_DIR/data-$ROWS/surveys.csv"
origin="\`Benchmarks/satisfaction/make_data.py --rows $ROWS --seed $SEED\` (sha256 $(sha256sum "$HERE/make_data.py" | cut -c1-12))"
if ! reuse_data "$DATA" "$origin"; then
    say "generating $ROWS survey answers"
    "$PY" "$HERE/make_data.py" --rows "$ROWS" --seed "$SEED" --out "$DATA"
    printf '%s' "$origin" >"$(dirname "$DATA")/ORIGIN"
fi
meta data_origin "$origin"
meta data_bytes "$(stat -c %s "$DATA")"

# --- measurement: round robin, so a drift of the machine affects both alike ---
cat "$DATA" >/dev/null
say "$ROWS answers, $RUNS runs each of cva and pandas"
for run in $(seq 1 "$RUNS"); do
    for name in cva pandas; do
        out="$BENCH_DIR/out/$name.json"
        log="$BENCH_DIR/logs/$name-$run.log"
        timing="$BENCH_DIR/logs/$name-$run.time"
        rm -f "$out"
        case "$name" in
            cva) CMD=("$CVA" satisfaction "$DATA" --by month --format json --out "$out") ;;
            pandas) CMD=("$PY" "$HERE/peer_pandas.py" "$DATA" "$out") ;;
        esac
        run_contestant "$name" "$run" "$RUNS" "$log" "$timing" standard - "$ROWS"
    done
done

if [ -s "$BENCH_DIR/out/cva.json" ] && [ -s "$BENCH_DIR/out/pandas.json" ]; then
    "$PY" "$HERE/check.py" "$BENCH_DIR/out/cva.json" "$BENCH_DIR/out/pandas.json" "$RESULTS/check.json" || warn "outputs differ"
fi

say "results"
"$PY" "$HERE/report.py" "$RESULTS" "$ROOT/BENCHMARKS.md"
