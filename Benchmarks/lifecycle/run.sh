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
VENV="$ROOT/.build/bench-venv"
PY="$VENV/bin/python"
RESULTS="$BENCH_DIR/results"
SEED=42
LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg)"

# say, warn, meta, ensure_gnu_time, ensure_venv
. "$HERE/../lib.sh"

ensure_gnu_time
ensure_venv

if [ -n "${CVA_BIN:-}" ]; then
    CVA="$CVA_BIN"
else
    CVA="$ROOT/.build/release/cva"
    if [ "$SKIP_BUILD" != 1 ]; then
        say "building cva: swift build -c release --product cva"
        (cd "$ROOT" && swift build -c release --product cva)
    fi
fi
[ -x "$CVA" ] || { echo "error: no cva binary at $CVA" >&2; exit 1; }

rm -rf "$RESULTS"
mkdir -p "$RESULTS" "$BENCH_DIR/out" "$BENCH_DIR/logs"
printf 'label\tcustomers\trows\ttask\tcontestant\trun\texit\twall_s\tpeak_kb\tcpu_s\n' >"$RESULTS/runs.tsv"
swift_version="$(swift --version 2>&1 || true)"
meta date "$(date -u '+%Y-%m-%d %H:%M UTC')"
meta nproc "$(nproc)"
meta swift_version "${swift_version%%$'\n'*}"
meta cva_commit "$(git -C "$ROOT" rev-parse --short --verify -q HEAD || echo 'no commit yet')$([ -z "$(git -C "$ROOT" status --porcelain -- Sources 2>/dev/null)" ] || echo ' (uncommitted changes)')"
meta loadavg "$LOAD_AT_START"

# --- data: the generator's transactions, reused while the cva binary is unchanged -------------
dir="$BENCH_DIR/data-$N"
DATA="$dir/transactions.csv"
origin="\`cva generate --customers $N --seed $SEED --only transactions\` (cva sha256 $(sha256sum "$CVA" | cut -c1-12))"
if [ -f "$DATA" ] && [ "$(cat "$dir/ORIGIN" 2>/dev/null)" = "$origin" ]; then
    echo "reusing $DATA"
else
    say "generating $N customers"
    rm -rf "$dir"
    mkdir -p "$dir"
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
            if /usr/bin/time -f "%e %M %U %S" -o "$timing" "${CMD[@]}" >"$log" 2>&1; then code=0; else code=$?; fi
            read -r wall kb user sys < <(tail -n1 "$timing")
            cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' standard "$N" "$ROWS" "$task" "$name" "$run" "$code" \
                "$wall" "$kb" "$cpu" >>"$RESULTS/runs.tsv"
            printf '  %-8s run %s/%s: %6.2f s wall  %6.2f s CPU  %6d MB\n' "$name" "$run" "$RUNS" "$wall" "$cpu" $((kb / 1024))
            [ "$code" = 0 ] || { echo "  $name FAILED (exit $code):" >&2; tail -n 5 "$log" >&2; }
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
