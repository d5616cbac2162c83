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
VENV="$ROOT/.build/bench-venv"
PY="$VENV/bin/python"
RESULTS="$BENCH_DIR/results"
OUT="$BENCH_DIR/out"
LOGS="$BENCH_DIR/logs"
SEED=42
export PYTHONDONTWRITEBYTECODE=1
LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg)"

# say, warn, meta, ensure_gnu_time, ensure_venv
. "$HERE/../lib.sh"

find_cva() {
    local source="${CVA_BIN:-$ROOT/.build/release/cva}"
    if [ ! -x "$source" ]; then
        echo "error: cva binary not found at $source." >&2
        echo "Build it first (swift build -c release --product cva) or point CVA_BIN at one;" >&2
        echo "this script does not build cva. Nothing was measured." >&2
        exit 1
    fi
    mkdir -p "$BENCH_DIR/bin"
    cp "$source" "$BENCH_DIR/bin/cva.tmp"
    mv "$BENCH_DIR/bin/cva.tmp" "$BENCH_DIR/bin/cva"
    CVA="$BENCH_DIR/bin/cva"
    CVA_SOURCE="$source"
    CVA_SHA="$(sha256sum "$CVA" | cut -c1-12)"
}

# Sets MATRIX to the CSV of N rows, made once per (N, seed) by make_data.py.
make_matrix() {
    local dir="$BENCH_DIR/data-$N" origin
    origin="make_data.py v2 $N $SEED (numpy $("$PY" -c 'import numpy; print(numpy.__version__)'))"
    MATRIX="$dir/matrix.csv"
    if [ -f "$MATRIX" ] && [ "$(cat "$dir/ORIGIN" 2>/dev/null)" = "$origin" ]; then
        echo "reusing $MATRIX"
    else
        say "generating $N x 10 rows: $origin"
        rm -rf "$dir"
        mkdir -p "$dir"
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
    local name="$1" run="$2" log="$LOGS/$1-$2.log" timing="$LOGS/$1-$2.time" code wall kb user sys cpu kmeans inertia
    local out="$OUT/$name-$run.json"
    rm -f "$out"
    if [ "$name" != sklearn ]; then
        local algorithm=hamerly
        [ "$name" = cva-lloyd ] && algorithm=lloyd
        if /usr/bin/time -f "%e %M %U %S" -o "$timing" "$CVA" cluster --matrix "$MATRIX" --k "$K" --standardize none \
            --algorithm "$algorithm" \
            --restarts "$N_INIT" --max-iter "$MAX_ITER" --tol "$TOL" --seed "$SEED" --format json --no-customers \
            --timing --out "$out" 2>"$log"; then code=0; else code=$?; fi
    else
        if /usr/bin/time -f "%e %M %U %S" -o "$timing" "$PY" "$HERE/peer_sklearn.py" "$MATRIX" "$K" "$N_INIT" \
            "$MAX_ITER" "$TOL" "$SEED" "$out" >"$log" 2>&1; then code=0; else code=$?; fi
    fi
    read -r wall kb user sys < <(tail -n1 "$timing")
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
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
    if [ "$code" != 0 ]; then
        echo "  $name FAILED (exit $code); last lines of $log:" >&2
        tail -n 5 "$log" >&2
    fi
}

ensure_gnu_time
ensure_venv
find_cva

rm -rf "$RESULTS" "$OUT" "$LOGS"
mkdir -p "$RESULTS" "$OUT" "$LOGS"
printf 'contestant\trun\texit\twall_s\tpeak_kb\tcpu_s\tkmeans_s\tinertia\n' >"$RESULTS/runs.tsv"
swift_version="$(swift --version 2>&1 || true)"
meta date "$(date -u '+%Y-%m-%d %H:%M UTC')"
meta nproc "$(nproc)"
meta swift_version "${swift_version%%$'\n'*}"
meta cva_version "$("$CVA" --version 2>&1 || echo unknown)"
meta cva_binary "$CVA_SOURCE (sha256 $CVA_SHA)"
meta cva_commit "$(git -C "$ROOT" rev-parse --short --verify -q HEAD || echo 'no commit yet')$([ -z "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ] || echo ' (uncommitted changes)')"
meta runs "$RUNS"
meta loadavg "$LOAD_AT_START"
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
