#!/usr/bin/env bash
# Customer summary benchmark: `cva summary` against DuckDB and pandas + lifetimes, side by side
# in one run on the same transactions file. Writes the results between the markers
# <!-- summary:begin --> and <!-- summary:end --> of BENCHMARKS.md at the repository root.
#
# usage: bash Benchmarks/summary/run.sh
#
# Environment (all optional):
#   N=1000000          customers in the data set (about 2.7 transaction rows each)
#   RUNS=3             timed runs per contestant; medians are reported
#   PEERS="duckdb lifetimes"   peers to run next to cva
#   LARGE=0            1: also run cva at LARGE_N customers (time and peak memory)
#   LARGE_N=10000000   customers in the large run (about 27 M rows)
#   LARGE_RUNS=1       timed runs per contestant in the large run
#   LARGE_PEERS=duckdb  peers in the large run too ("" for cva alone; "duckdb lifetimes": lifetimes
#                      takes ~6 min and 6 GB at 10 M customers)
#   CVA_BIN=path       use this cva binary instead of building one
#   SKIP_BUILD=0       1: do not run `swift build`, use .build/release/cva as it is
#   DUCKDB_THREADS=2   threads DuckDB may use
#   BENCH_DIR=.build/bench-summary   data, outputs, logs and raw results
#
# Needs: python3 (with venv), Swift for the build, GNU time (installed with apt-get if missing).
# Peers are installed from requirements.txt into .build/bench-venv, never the system Python.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

N="${N:-1000000}"
RUNS="${RUNS:-3}"
PEERS="${PEERS:-duckdb lifetimes}"
LARGE="${LARGE:-0}"
LARGE_N="${LARGE_N:-10000000}"
LARGE_RUNS="${LARGE_RUNS:-1}"
LARGE_PEERS="${LARGE_PEERS-duckdb}"
SKIP_BUILD="${SKIP_BUILD:-0}"
DUCKDB_THREADS="${DUCKDB_THREADS:-2}"
BENCH_DIR="${BENCH_DIR:-$ROOT/.build/bench-summary}"

# VENV, PY, RESULTS, SEED, LOAD_AT_START; say, warn, meta, ensure_gnu_time, ensure_venv, find_cva,
# new_results, common_meta, reuse_data, run_contestant
. "$HERE/../lib.sh"

# Sets CVA to the binary to benchmark, or to "" (with CVA_STATUS saying why) when there is none:
# the peers still run.
find_cva_or_skip() {
    CVA_STATUS=""
    find_cva
    if [ ! -x "$CVA" ]; then
        echo "cva binary not found; build failed? (looked for $CVA) - cva is skipped"
        CVA_STATUS="not measured: binary not found ($CVA); build failed?"
        CVA=""
    fi
}

# --- data ---------------------------------------------------------------------------------------

# make_dataset LABEL CUSTOMERS: sets DATA to a transactions.csv with CUSTOMERS customers and ROWS
# to its number of data rows. The file is reused while the generator that made it (recorded in
# ORIGIN next to it) is unchanged; `cva generate` is used whenever cva exists.
make_dataset() {
    local label="$1" customers="$2" dir="$BENCH_DIR/data-$2" origin
    DATA="$dir/transactions.csv"
    if [ -n "$CVA" ]; then
        origin="\`cva generate --customers $customers --seed $SEED --only transactions\` (cva sha256 $(sha256sum "$CVA" | cut -c1-12))"
    else
        origin="stand-in \`Benchmarks/summary/make_data.py --customers $customers --seed $SEED\` (sha256 $(sha256sum "$HERE/make_data.py" | cut -c1-12); cva was missing)"
    fi
    if ! reuse_data "$DATA" "$origin"; then
        say "generating $customers customers: $origin"
        if [ -n "$CVA" ] && ! "$CVA" generate --customers "$customers" --seed "$SEED" --out "$dir" --only transactions; then
            warn "cva generate failed; falling back to the stand-in generator make_data.py"
            origin="stand-in \`Benchmarks/summary/make_data.py --customers $customers --seed $SEED\` (sha256 $(sha256sum "$HERE/make_data.py" | cut -c1-12); \`cva generate\` failed)"
            "$PY" "$HERE/make_data.py" --customers "$customers" --seed "$SEED" --out "$dir"
        elif [ -z "$CVA" ]; then
            "$PY" "$HERE/make_data.py" --customers "$customers" --seed "$SEED" --out "$dir"
        fi
        [ -f "$DATA" ] || { echo "error: no $DATA was generated" >&2; exit 1; }
        printf '%s' "$origin" >"$dir/ORIGIN"
    fi
    ROWS=$(($(wc -l <"$DATA") - 1))
    # wc counts newlines: add the last row when the file does not end with one.
    [ -z "$(tail -c1 "$DATA")" ] || ROWS=$((ROWS + 1))
    meta "data_origin_$label" "$origin"
    meta "data_bytes_$label" "$(stat -c %s "$DATA")"
    echo "$DATA: $ROWS rows, $(du -h "$DATA" | cut -f1)"
}

# --- measurement --------------------------------------------------------------------------------

# contestant_command NAME INPUT OUTPUT: sets CMD to the command line of one contestant.
contestant_command() {
    case "$1" in
        cva) CMD=("$CVA" summary "$2" --format csv --unit day --out "$3") ;;
        duckdb) CMD=("$PY" "$HERE/peer_duckdb.py" "$2" "$3" "$DUCKDB_THREADS") ;;
        lifetimes) CMD=("$PY" "$HERE/peer_lifetimes.py" "$2" "$3") ;;
        *) echo "error: unknown contestant '$1'" >&2; exit 1 ;;
    esac
}

# bench LABEL CUSTOMERS RUNS CONTESTANT...: runs every contestant RUNS times on $DATA, round
# robin so a slow drift of the machine affects all alike, and appends to runs.tsv; then checks
# the outputs of the last run against each other.
bench() {
    local label="$1" customers="$2" runs="$3"
    shift 3
    local contestants=("$@") name run out log timing
    mkdir -p "$BENCH_DIR/out" "$BENCH_DIR/logs"
    cat "$DATA" >/dev/null   # into the page cache, so no contestant pays for the first read
    for run in $(seq 1 "$runs"); do
        for name in "${contestants[@]}"; do
            out="$BENCH_DIR/out/$label-$name.csv"
            log="$BENCH_DIR/logs/$label-$name-$run.log"
            timing="$BENCH_DIR/logs/$label-$name-$run.time"
            rm -f "$out"   # a stale output must never pass the check
            contestant_command "$name" "$DATA" "$out"
            run_contestant "$name" "$run" "$runs" "$log" "$timing" "$label" "$customers" "$ROWS"
        done
    done

    # The reference is lifetimes (the definition of the summary) when it ran, else DuckDB.
    local ordered=() args=()
    for name in lifetimes duckdb cva; do
        if [[ " ${contestants[*]} " == *" $name "* ]] && [ -s "$BENCH_DIR/out/$label-$name.csv" ]; then
            ordered+=("$name")
        fi
    done
    if [ "${#ordered[@]}" -lt 2 ]; then
        echo "  (one output only: nothing to compare it with)"
        return 0
    fi
    for name in "${ordered[@]}"; do args+=("$name=$BENCH_DIR/out/$label-$name.csv"); done
    "$PY" "$HERE/check.py" --out "$RESULTS/check-$label.json" "${args[@]}"
}

# --- main ---------------------------------------------------------------------------------------

ensure_gnu_time
ensure_venv
find_cva_or_skip

new_results $'label\tcustomers\trows\tcontestant\trun\texit\twall_s\tpeak_kb\tcpu_s'
common_meta
meta runs "$RUNS"
[ -z "$CVA_STATUS" ] || meta cva_status "$CVA_STATUS"

contestants=()
[ -z "$CVA" ] || contestants+=(cva)
read -r -a peers <<<"$PEERS"
contestants+=("${peers[@]}")
make_dataset standard "$N"
say "standard run: $N customers, $ROWS rows, $RUNS runs each of: ${contestants[*]}"
bench standard "$N" "$RUNS" "${contestants[@]}"

if [ "$LARGE" = 1 ]; then
    large=()
    [ -z "$CVA" ] || large+=(cva)
    read -r -a large_peers <<<"$LARGE_PEERS"
    large+=("${large_peers[@]}")
    if [ "${#large[@]}" -eq 0 ]; then
        echo "LARGE=1: cva is missing and LARGE_PEERS is empty - large run skipped"
    else
        make_dataset large "$LARGE_N"
        say "large run: $LARGE_N customers, $ROWS rows, $LARGE_RUNS runs each of: ${large[*]}"
        bench large "$LARGE_N" "$LARGE_RUNS" "${large[@]}"
    fi
fi

say "results"
"$PY" "$HERE/report.py" "$RESULTS" "$ROOT/BENCHMARKS.md"
