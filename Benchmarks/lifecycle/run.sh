#!/usr/bin/env bash
# Lifecycle benchmark: `cva cohorts` and `cva kpis` against the same computed by pandas and by
# DuckDB SQL, side by side in one run on the same transactions file. Writes the results between
# the markers <!-- lifecycle:begin --> and <!-- lifecycle:end --> of BENCHMARKS.md.
#
# usage: bash Benchmarks/lifecycle/run.sh
#
# Environment (all optional):
#   N=1000000          customers in the data set (about 2.7 transaction rows each)
#   RUNS=3             timed runs per contestant and task; medians are reported
#   PEERS="duckdb pandas"  peers to run next to cva
#   CVA_BIN=path       use this cva binary instead of building one
#   SKIP_BUILD=0       1: do not run `swift build`, use .build/release/cva as it is
#   DUCKDB_THREADS=2   threads DuckDB may use
#   BENCH_DIR=.build/bench-lifecycle   data, outputs, logs and raw results
#
# Needs: python3 (with venv), Swift for the build, GNU time (installed with apt-get if missing).
# Peers are installed from requirements.txt into .build/bench-venv, never the system Python.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

N="${N:-1000000}"
RUNS="${RUNS:-3}"
PEERS="${PEERS:-duckdb pandas}"
SKIP_BUILD="${SKIP_BUILD:-0}"
DUCKDB_THREADS="${DUCKDB_THREADS:-2}"
BENCH_DIR="${BENCH_DIR:-$ROOT/.build/bench-lifecycle}"

# VENV, PY, RESULTS, SEED, LOAD_AT_START; say, warn, meta, ensure_gnu_time, ensure_venv, find_cva,
# require_cva, new_results, common_meta, reuse_data, run_contestant
. "$HERE/../lib.sh"

ensure_gnu_time
ensure_venv
find_cva --build-must-pass
require_cva

new_results $'label\tcustomers\trows\ttask\tcontestant\trun\texit\twall_s\tpeak_kb\tcpu_s'
mkdir -p "$BENCH_DIR/out" "$BENCH_DIR/logs"
common_meta Sources

# --- data: the generator's transactions, reused while the cva binary is unchanged -------------
dir="$BENCH_DIR/data-$N"
DATA="$dir/transactions.csv"
origin="\`cva generate --customers $N --seed $SEED --only transactions\` (cva sha256 $(sha256sum "$CVA" | cut -c1-12))"
if ! reuse_data "$DATA" "$origin"; then
    say "generating $N customers"
    "$CVA" generate --customers "$N" --seed "$SEED" --out "$dir" --only transactions
    printf '%s' "$origin" >"$dir/ORIGIN"
fi
ROWS=$(($(wc -l <"$DATA") - 1))
meta data_origin "$origin"

command_of() {
    case "$2" in
        cva) CMD=("$CVA" "$1" "$DATA" --format csv --out "$3") ;;
        duckdb) CMD=("$PY" "$HERE/peer_duckdb.py" "$1" "$DATA" "$3" "$DUCKDB_THREADS" 90) ;;
        pandas) CMD=("$PY" "$HERE/peer_pandas.py" "$1" "$DATA" "$3" 90) ;;
        *) echo "error: unknown contestant '$2'" >&2; exit 1 ;;
    esac
}

read -r -a peers <<<"$PEERS"
contestants=(cva "${peers[@]}")
cat "$DATA" >/dev/null
for task in cohorts kpis; do
    say "$task: $N customers, $ROWS rows, $RUNS runs each of: ${contestants[*]}"
    for run in $(seq 1 "$RUNS"); do
        for name in "${contestants[@]}"; do
            out="$BENCH_DIR/out/$task-$name.csv"
            log="$BENCH_DIR/logs/$task-$name-$run.log"
            timing="$BENCH_DIR/logs/$task-$name-$run.time"
            rm -f "$out"
            command_of "$task" "$name" "$out"
            run_contestant "$name" "$run" "$RUNS" "$log" "$timing" standard "$N" "$ROWS" "$task"
        done
    done
    args=()
    for name in duckdb pandas cva; do
        [ -s "$BENCH_DIR/out/$task-$name.csv" ] && args+=("$name=$BENCH_DIR/out/$task-$name.csv")
    done
    if [ "${#args[@]}" -ge 2 ]; then
        "$PY" "$HERE/check.py" --task "$task" --out "$RESULTS/check-standard-$task.json" "${args[@]}"
    fi
done

say "results"
"$PY" "$HERE/report.py" "$RESULTS" "$ROOT/BENCHMARKS.md"
