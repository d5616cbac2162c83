#!/usr/bin/env bash
# Cluster benchmark: cva's k-means (`cva cluster --matrix`) against scikit-learn's KMeans
# (algorithm="lloyd"), side by side in one run on the same numeric matrix. Writes the results
# between the markers <!-- cluster:begin --> and <!-- cluster:end --> of BENCHMARKS.md.
#
# usage: bash Benchmarks/cluster/run.sh
#
# Environment (all optional):
#   N=1000000        rows of the matrix (10 columns, a seeded 8-component Gaussian mixture)
#   K=8              clusters
#   N_INIT=3         k-means++ restarts (n_init), the same for both
#   MAX_ITER=300     Lloyd iterations per restart at most
#   TOL=1e-4         relative tolerance (both: times the mean column variance)
#   RUNS=3           timed runs of each contestant, interleaved; medians are reported
#   CONTESTANTS="cva cva-lloyd sklearn"   cva with Hamerly's bounds (default), cva --algorithm lloyd,
#                    scikit-learn
#   CVA_BIN=path     the cva binary (default .build/release/cva); copied into BENCH_DIR first and
#                    never built here
#   BENCH_DIR=.build/bench-cluster   data, outputs, logs and raw results
#
# Measured per run: the whole process (GNU time: wall, peak RSS, CPU) and the k-means step
# itself: cva's `--timing` line on stderr (all restarts, after reading and before output),
# time.perf_counter around KMeans.fit for scikit-learn. Inertias are compared (target: within 1%).
#
# Needs: python3 (with venv), GNU time (apt-get if missing), a built cva. scikit-learn is
# installed from requirements.txt into .build/bench-venv, never the system Python.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

N="${N:-1000000}"
K="${K:-8}"
N_INIT="${N_INIT:-3}"
MAX_ITER="${MAX_ITER:-300}"
TOL="${TOL:-1e-4}"
RUNS="${RUNS:-3}"
CONTESTANTS="${CONTESTANTS:-cva cva-lloyd sklearn}"
BENCH_DIR="${BENCH_DIR:-$ROOT/.build/bench-cluster}"
OUT="$BENCH_DIR/out"
LOGS="$BENCH_DIR/logs"
export PYTHONDONTWRITEBYTECODE=1

# VENV, PY, RESULTS, SEED, LOAD_AT_START; say, warn, meta, ensure_gnu_time, ensure_venv, copy_cva,
# new_results, common_meta, reuse_data, timed_run, report_failure
. "$HERE/../lib.sh"

# Sets MATRIX to the CSV of N rows, made once per (N, seed) by make_data.py.
make_matrix() {
    local dir="$BENCH_DIR/data-$N" origin
    origin="make_data.py v2 $N $SEED (numpy $("$PY" -c 'import numpy; print(numpy.__version__)'))"
    MATRIX="$dir/matrix.csv"
    if ! reuse_data "$MATRIX" "$origin"; then
        say "generating $N x 10 rows: $origin"
        "$PY" "$HERE/make_data.py" "$N" "$SEED" "$MATRIX"
        printf '%s' "$origin" >"$dir/ORIGIN"
    fi
    meta data_origin "$origin"
    meta rows "$N"
    meta matrix_bytes "$(stat -c %s "$MATRIX")"
}

# One timed run of CONTESTANT (cva = Hamerly's bounds, the default; cva-lloyd = every distance;
# sklearn) number RUN; appends a line to runs.tsv.
run_one() {
    local name="$1" run="$2" log="$LOGS/$1-$2.log" timing="$LOGS/$1-$2.time" code wall kb cpu kmeans inertia
    local out="$OUT/$name-$run.json"
    rm -f "$out"
    if [ "$name" != sklearn ]; then
        local algorithm=hamerly
        [ "$name" = cva-lloyd ] && algorithm=lloyd
        timed_run "$timing" - "$log" "$CVA" cluster --matrix "$MATRIX" --k "$K" --standardize none \
            --algorithm "$algorithm" \
            --restarts "$N_INIT" --max-iter "$MAX_ITER" --tol "$TOL" --seed "$SEED" --format json --no-customers \
            --timing --out "$out"
    else
        timed_run "$timing" "$log" "$log" "$PY" "$HERE/peer_sklearn.py" "$MATRIX" "$K" "$N_INIT" \
            "$MAX_ITER" "$TOL" "$SEED" "$out"
    fi
    if [ "$name" != sklearn ]; then
        kmeans=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["timing"]["kmeans_seconds"])' "$out" 2>/dev/null || true)
    else
        kmeans=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["fit_seconds"])' "$out" 2>/dev/null || true)
    fi
    inertia=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["inertia"])' "$out" 2>/dev/null || true)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$run" "$code" "$wall" "$kb" "$cpu" "${kmeans:-}" "${inertia:-}" \
        >>"$RESULTS/runs.tsv"
    printf '  %-8s run %s: %8.2f s wall %8.2f s CPU %6d MB  k-means %s s  inertia %s\n' "$name" "$run" "$wall" "$cpu" \
        $((kb / 1024)) "${kmeans:-n/a}" "${inertia:-n/a}"
    report_failure "$name" "$log"
}

ensure_gnu_time
ensure_venv
copy_cva

new_results $'contestant\trun\texit\twall_s\tpeak_kb\tcpu_s\tkmeans_s\tinertia'
rm -rf "$OUT" "$LOGS"
mkdir -p "$OUT" "$LOGS"
common_meta
meta cva_version "$("$CVA" --version 2>&1 || echo unknown)"
meta cva_binary "$CVA_SOURCE (sha256 $CVA_SHA)"
meta runs "$RUNS"
meta k "$K"
meta n_init "$N_INIT"
meta max_iter "$MAX_ITER"
meta tol "$TOL"

make_matrix
cat "$MATRIX" >/dev/null   # into the page cache, so neither contestant pays for the first read
say "k-means k = $K, n_init = $N_INIT on $N x 10; $RUNS runs each, interleaved"
for run in $(seq 1 "$RUNS"); do
    for name in $CONTESTANTS; do run_one "$name" "$run"; done
done
meta loadavg_end "$(cut -d' ' -f1-3 /proc/loadavg)"

say "results"
"$PY" "$HERE/report.py" "$RESULTS" "$OUT" "$ROOT/BENCHMARKS.md"
