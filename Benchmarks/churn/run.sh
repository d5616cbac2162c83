#!/usr/bin/env bash
# Churn benchmark (issue 5): on synthetic data sets made by `cva generate` (all files), times the
# whole `cva churn --model all` run (wall, CPU, peak memory), exports the exact feature matrix it
# trained on (`--export-features`: label and split train / validation / test, the validation rows
# being those the trees hold out for early stopping), and then trains `cva churn-train`
# (logistic regression, gradient-boosted trees) against scikit-learn's LogisticRegression and
# LightGBM side by side in one run on that matrix: test ROC AUC and training time. Writes the
# results between the markers <!-- churn:begin --> and <!-- churn:end --> of BENCHMARKS.md.
#
# usage: bash Benchmarks/churn/run.sh
#
# Environment (all optional):
#   SIZES="100000 1000000"   customers of the generated data sets
#   RUNS=3             timed runs per contestant; medians are reported
#   LARGE_RUNS=1       timed runs per contestant for 1,000,000 customers or more
#   WHOLE_RUNS=1       timed whole `cva churn --model all` runs per size (after the export run)
#   DATA_<n>=path      use this data set folder for size n instead of generating one
#   MATRIX=path        benchmark only this matrix CSV (customer_id, features..., label, split);
#                      SIZES is ignored
#   PLANTED=0          1: also benchmark make_matrix.py's planted-signal matrices (30 columns)
#   CVA_BIN=path       use this cva binary instead of building one
#   SKIP_BUILD=0       1: do not run `swift build`, use .build/release/cva as it is
#   THREADS=2          threads LightGBM may use (cva uses 2 for its histograms)
#   BENCH_DIR=.build/bench-churn   data, logs and raw results
#
# Peers are installed from requirements.txt into .build/bench-venv.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

SIZES="${SIZES:-100000 1000000}"
RUNS="${RUNS:-3}"
LARGE_RUNS="${LARGE_RUNS:-1}"
WHOLE_RUNS="${WHOLE_RUNS:-1}"
PLANTED="${PLANTED:-0}"
SKIP_BUILD="${SKIP_BUILD:-0}"
THREADS="${THREADS:-2}"
BENCH_DIR="${BENCH_DIR:-$ROOT/.build/bench-churn}"

# VENV, PY, RESULTS, SEED, LOAD_AT_START; say, warn, meta, ensure_gnu_time, ensure_venv, find_cva,
# require_cva, new_results, common_meta, reuse_data, timed_run, report_failure
. "$HERE/../lib.sh"

find_cva
require_cva

ensure_venv
ensure_gnu_time
new_results $'label\trows\tcontestant\trun\texit\tauc\ttrain_s\tcpu_s\tbest_iteration'
mkdir -p "$BENCH_DIR/logs"
printf 'customers\trun\texit\twall_s\tcpu_s\tpeak_mb\tloadavg\tauc_gbdt\tauc_logistic\tauc_btyd\n' >"$RESULTS/whole.tsv"
common_meta Sources Package.swift
meta runs "$RUNS"
meta threads "$THREADS"

# contestant_command NAME MATRIX: sets CMD.
contestant_command() {
    case "$1" in
        cva-logistic) CMD=("$CVA" churn-train "$2" --model logistic --format json) ;;
        cva-gbdt) CMD=("$CVA" churn-train "$2" --model gbdt --format json) ;;
        sklearn-logistic) CMD=("$PY" "$HERE/peer_learners.py" "$2" logistic "$THREADS") ;;
        lightgbm) CMD=("$PY" "$HERE/peer_learners.py" "$2" lightgbm "$THREADS") ;;
        *) echo "error: unknown contestant '$1'" >&2; exit 1 ;;
    esac
}

# bench LABEL MATRIX: every contestant RUNS (LARGE_RUNS) times, round robin, into runs.tsv.
bench() {
    local label="$1" matrix="$2" rows name run log code auc seconds cpu best runs
    rows=$(($(wc -l <"$matrix") - 1))
    runs="$RUNS"
    [ "$rows" -lt 1000000 ] || runs="$LARGE_RUNS"
    meta "runs_$label" "$runs"
    for run in $(seq 1 "$runs"); do
        for name in cva-logistic sklearn-logistic cva-gbdt lightgbm; do
            log="$BENCH_DIR/logs/$label-$name-$run.log"
            contestant_command "$name" "$matrix"
            # LightGBM's OpenMP threads spin while waiting by default; on a shared machine that
            # burns the other contestants' cores, so all run with the passive policy.
            if OMP_WAIT_POLICY=passive OMP_NUM_THREADS="$THREADS" "${CMD[@]}" >"$log.json" 2>"$log"; then code=0; else code=$?; fi
            read -r auc seconds cpu best < <("$PY" -c '
import json, sys
try:
    text = open(sys.argv[1]).read()
    d = json.loads(text)
    e = d.get("evaluation", d)
    print(e.get("auc"), d.get("training_seconds"), d.get("training_cpu_seconds"), d.get("best_iteration"))
except Exception:
    print("nan nan nan None")' "$log.json")
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$rows" "$name" "$run" "$code" "$auc" "$seconds" "$cpu" "$best" >>"$RESULTS/runs.tsv"
            printf '  %-16s run %s/%s: AUC %s  train %s s wall, %s s CPU  best iteration %s\n' "$name" "$run" "$runs" "$auc" "$seconds" "$cpu" "$best"
            report_failure "$name" "$log"
        done
    done
}

# whole N DATA RUN [EXPORT]: one timed `cva churn DATA --model all` run into whole.tsv.
whole() {
    local n="$1" data="$2" run="$3" export="${4:-}" log="$BENCH_DIR/logs/whole-$1-$3" code wall kb cpu load aucs
    local extra=()
    [ -z "$export" ] || extra=(--export-features "$export")
    load="$(cut -d' ' -f1 /proc/loadavg)"
    timed_run "$log.time" - "$log" "$CVA" churn "$data" --model all --format json --timing "${extra[@]}" --out "$log.json"
    aucs="$("$PY" -c '
import json, sys
try:
    e = json.load(open(sys.argv[1]))["evaluation"]
    print(" ".join(str(e.get(m, {}).get("auc")) for m in ("gbdt", "logistic", "btyd")))
except Exception:
    print("nan nan nan")' "$log.json")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$run" "$code" "$wall" "$cpu" \
        "$((kb / 1024))" "$load" "${aucs// /$'\t'}" >>"$RESULTS/whole.tsv"
    printf '  cva churn --model all%s run %s: %s s wall, %s s CPU, %s MB peak (load %s); AUC gbdt/logistic/btyd %s\n' \
        "${export:+ --export-features}" "$run" "$wall" "$cpu" "$((kb / 1024))" "$load" "$aucs"
    report_failure "cva churn" "$log"
}

if [ -n "${MATRIX:-}" ]; then
    meta data_origin_given "$MATRIX"
    say "benchmarking $MATRIX"
    bench given "$MATRIX"
else
    cva_sha="$(sha256sum "$CVA" | cut -c1-12)"
    for n in $SIZES; do
        given="DATA_$n"
        data="${!given:-$BENCH_DIR/data-$n}"
        origin="cva generate --customers $n --seed $SEED (all files)"
        if [ -z "${!given:-}" ] && ! reuse_data "$data/transactions.csv" "$origin"; then
            say "generating $data"
            "$CVA" generate --customers "$n" --seed "$SEED" --out "$data" >/dev/null
            printf '%s' "$origin" >"$data/ORIGIN"
        fi
        meta "data_origin_$n" "$origin"
        matrix="$BENCH_DIR/matrix-$n.csv"
        say "$n customers: cva churn --model all --export-features (the matrix the peers get)"
        whole "$n" "$data" 0 "$matrix"
        for run in $(seq 1 "$WHOLE_RUNS"); do whole "$n" "$data" "$run"; done
        say "$n customers: learners on the exported matrix"
        bench "$n" "$matrix"
    done
    if [ "$PLANTED" = 1 ]; then
        for n in $SIZES; do
            matrix="$BENCH_DIR/planted-$n.csv"
            "$PY" "$HERE/make_matrix.py" --rows "$n" --seed "$SEED" --out "$matrix"
            meta "data_origin_planted_$n" "Benchmarks/churn/make_matrix.py --rows $n --seed $SEED"
            say "planted matrix, $n rows"
            bench "planted-$n" "$matrix"
        done
    fi
fi

say "results"
"$PY" "$HERE/report.py" "$RESULTS" "$ROOT/BENCHMARKS.md"
