#!/usr/bin/env bash
# Models benchmark: `cva fit` (BG/NBD, Gamma-Gamma, Pareto/NBD) and `cva predict` against
# lifetimes, side by side in one run on the same summary CSV. Writes the results between the markers
# <!-- models:begin --> and <!-- models:end --> of BENCHMARKS.md at the repository root.
#
# usage: bash Benchmarks/models/run.sh
#
# Environment (all optional):
#   N=1000000          customers in the data set
#   RUNS=3             timed runs of each cva command; medians are reported
#   LIFETIMES_RUNS=1   timed runs of each lifetimes script (slow: BG/NBD and CLV take minutes at 1 M)
#   CVA_BIN=path       the cva binary to measure (default .build/release/cva). This script never
#                      builds it; it copies it into BENCH_DIR first, so a rebuild while the
#                      benchmark runs does not change what is measured.
#   BENCH_DIR=.build/bench-models   data, outputs, logs and raw results
#   PNBD_N="10000 100000"  sizes of the Pareto/NBD comparison, each on its own generated data set
#                      (lifetimes' ParetoNBDFitter takes minutes at 100,000 and far longer above);
#                      PNBD_N="" skips it
#   BENCHMARKS_MD=BENCHMARKS.md   the file whose models section is rewritten (point it elsewhere
#                      for a trial run at a small N, so the published numbers stay as they are)
#
# Tasks, on `cva summary --unit week` output of `cva generate --customers N --seed 42`:
#   bgnbd    cva fit SUMMARY --model bgnbd --format json --save MODEL.json
#            | peer_bgnbd.py: BetaGeoFitter().fit(frequency, recency, T)
#   gg       cva fit SUMMARY --model gg --format json
#            | peer_gg.py: GammaGammaFitter().fit(frequency, monetary_value), frequency > 0 and
#              monetary_value > 0
#   predict  cva predict SUMMARY --model-file MODEL.json --spend-model gg --horizon 52
#              --clv-months 12 --discount-rate 0.01 --format csv --timing (fits Gamma-Gamma again
#              inside; --timing prints the seconds of each step, scoring among them)
#            | peer_predict.py: conditional_probability_alive, conditional_expected_number_of_
#              purchases_up_to_time(52, ...), customer_lifetime_value(..., time=12,
#              discount_rate=0.01, freq='W'), with cva's parameters
#   pnbd-SIZE cva fit SUMMARY(SIZE) --model pnbd --format json
#            | peer_pnbd.py: ParetoNBDFitter().fit(frequency, recency, T) (Nelder-Mead, seeded)
# Each is timed as a process (GNU time: wall, peak RSS, CPU) and in-process: cva's own "fitted
# ... in S s" line for fits, the "scoring S s" step of cva predict's "timing:" line (p_alive,
# expected purchases, spend, CLV and next purchase date of every customer; reading the CSV, the
# Gamma-Gamma fit and writing excluded), time.perf_counter around the lifetimes
# calls. compare.py then compares parameters, log-likelihoods and per-customer scores.
#
# Needs: python3 (with venv), GNU time (installed with apt-get if missing), a built cva.
# lifetimes is installed from requirements.txt into .build/bench-venv, never the system Python.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

N="${N:-1000000}"
RUNS="${RUNS:-3}"
LIFETIMES_RUNS="${LIFETIMES_RUNS:-1}"
PNBD_N="${PNBD_N-10000 100000}"
BENCHMARKS_MD="${BENCHMARKS_MD:-$ROOT/BENCHMARKS.md}"
BENCH_DIR="${BENCH_DIR:-$ROOT/.build/bench-models}"
OUT="$BENCH_DIR/out"
LOGS="$BENCH_DIR/logs"
# The peers import lifetimes_common.py from this folder: leave no __pycache__ in the tree.
export PYTHONDONTWRITEBYTECODE=1
HORIZON=52
CLV_MONTHS=12
DISCOUNT_RATE=0.01

# VENV, PY, RESULTS, SEED, LOAD_AT_START; say, warn, meta, ensure_gnu_time, ensure_venv, copy_cva,
# new_results, common_meta, reuse_data, timed_run, report_failure
. "$HERE/../lib.sh"

# --- data ---------------------------------------------------------------------------------------

# weekly_summary SIZE [WHAT_FOR]: sets WEEKLY to the weekly summary CSV of SIZE generated customers
# and WEEKLY_ORIGIN to how it was made; reused while the cva binary that made it (recorded in
# ORIGIN) is unchanged.
weekly_summary() {
    local size="$1" dir="$BENCH_DIR/data-$1"
    WEEKLY_ORIGIN="\`cva generate --customers $size --seed $SEED --only transactions\`, then \`cva summary --unit week --format csv\` (cva sha256 $CVA_SHA)"
    WEEKLY="$dir/summary_week.csv"
    if ! reuse_data "$WEEKLY" "$WEEKLY_ORIGIN"; then
        say "generating $size customers${2:-}: $WEEKLY_ORIGIN"
        "$CVA" generate --customers "$size" --seed "$SEED" --only transactions --out "$dir"
        "$CVA" summary "$dir/transactions.csv" --unit week --format csv --out "$WEEKLY"
        printf '%s' "$WEEKLY_ORIGIN" >"$dir/ORIGIN"
    fi
}

# Sets SUMMARY to the weekly summary CSV of N generated customers (weekly_summary).
make_dataset() {
    weekly_summary "$N"
    SUMMARY="$WEEKLY"
    SUMMARY_ROWS=$(($(wc -l <"$SUMMARY") - 1))
    meta data_origin "$WEEKLY_ORIGIN"
    meta customers "$SUMMARY_ROWS"
    meta transaction_rows "$(($(wc -l <"$BENCH_DIR/data-$N/transactions.csv") - 1))"
    meta summary_bytes "$(stat -c %s "$SUMMARY")"
    echo "$SUMMARY: $SUMMARY_ROWS customers, $(du -h "$SUMMARY" | cut -f1)"
}

# Sets PNBD_SUMMARY to the weekly summary CSV of $1 generated customers (same generator and
# seed as the main data set), reused like it; records its origin as meta pnbd_origin_$1.
make_pnbd_dataset() {
    weekly_summary "$1" " for Pareto/NBD"
    PNBD_SUMMARY="$WEEKLY"
    meta "pnbd_origin_$1" "$WEEKLY_ORIGIN"
}

# --- measurement --------------------------------------------------------------------------------

# command_for TASK CONTESTANT: sets CMD (the command line) and STDOUT (where its standard output
# goes: cva's fits print their JSON there).
command_for() {
    STDOUT=""
    case "$1/$2" in
        bgnbd/cva)
            CMD=("$CVA" fit "$SUMMARY" --model bgnbd --format json --save "$OUT/cva-bgnbd-model.json")
            STDOUT="$OUT/cva-bgnbd.json" ;;
        bgnbd/lifetimes) CMD=("$PY" "$HERE/peer_bgnbd.py" "$SUMMARY" "$OUT/lifetimes-bgnbd.json") ;;
        gg/cva)
            CMD=("$CVA" fit "$SUMMARY" --model gg --format json)
            STDOUT="$OUT/cva-gg.json" ;;
        gg/lifetimes) CMD=("$PY" "$HERE/peer_gg.py" "$SUMMARY" "$OUT/lifetimes-gg.json") ;;
        predict/cva)
            CMD=("$CVA" predict "$SUMMARY" --model-file "$OUT/cva-bgnbd-model.json" --spend-model gg
                 --horizon "$HORIZON" --clv-months "$CLV_MONTHS" --discount-rate "$DISCOUNT_RATE"
                 --format csv --out "$OUT/cva-predict.csv" --timing) ;;
        predict/lifetimes)
            CMD=("$PY" "$HERE/peer_predict.py" "$SUMMARY" "$OUT/cva-bgnbd-model.json" "$OUT/cva-gg.json"
                 "$OUT/lifetimes-predict.csv" "$OUT/lifetimes-predict-timing.json") ;;
        pnbd-*/cva)
            CMD=("$CVA" fit "$PNBD_SUMMARY" --model pnbd --format json)
            STDOUT="$OUT/cva-$1.json" ;;
        pnbd-*/lifetimes) CMD=("$PY" "$HERE/peer_pnbd.py" "$PNBD_SUMMARY" "$OUT/lifetimes-$1.json") ;;
        *) echo "error: unknown task/contestant '$1/$2'" >&2; exit 1 ;;
    esac
}

# outputs_of TASK CONTESTANT: the files a run must write (removed before it, so a stale file
# never passes for a result).
outputs_of() {
    case "$1/$2" in
        bgnbd/cva) echo "$OUT/cva-bgnbd.json $OUT/cva-bgnbd-model.json" ;;
        bgnbd/lifetimes) echo "$OUT/lifetimes-bgnbd.json" ;;
        gg/cva) echo "$OUT/cva-gg.json" ;;
        gg/lifetimes) echo "$OUT/lifetimes-gg.json" ;;
        predict/cva) echo "$OUT/cva-predict.csv" ;;
        predict/lifetimes) echo "$OUT/lifetimes-predict.csv $OUT/lifetimes-predict-timing.json" ;;
        pnbd-*/cva) echo "$OUT/cva-$1.json" ;;
        pnbd-*/lifetimes) echo "$OUT/lifetimes-$1.json" ;;
    esac
}

# in_process TASK CONTESTANT LOG: prints "SECONDS<TAB>P_ALIVE_SECONDS" (empty when not known).
in_process() {
    case "$1/$2" in
        bgnbd/cva | gg/cva | pnbd-*/cva)
            # cva fit's stderr: "fitted bgnbd on N customers (H distinct histories) in S s"
            sed -n 's/^fitted .* in \([0-9.]*\) s$/\1/p' "$3" | tail -n1 | tr -d '\n'
            printf '\t\n' ;;
        predict/cva)
            # cva predict --timing's stderr: "timing: read S s, spend fit S s, scoring S s, output S s"
            sed -n 's/^timing: .*scoring \([0-9.]*\) s.*$/\1/p' "$3" | tail -n1 | tr -d '\n'
            printf '\t\n' ;;
        bgnbd/lifetimes | gg/lifetimes | pnbd-*/lifetimes)
            "$PY" -c 'import json, sys; t = json.load(open(sys.argv[1])); print("%.6f\t" % t["fit_seconds"])' \
                "$OUT/lifetimes-$1.json" 2>/dev/null || printf '\t\n' ;;
        predict/lifetimes)
            "$PY" -c 'import json, sys; t = json.load(open(sys.argv[1])); print("%.6f\t%.6f" % (t["scoring_seconds"], t["seconds"]["conditional_probability_alive"]))' \
                "$OUT/lifetimes-predict-timing.json" 2>/dev/null || printf '\t\n' ;;
        *) printf '\t\n' ;;
    esac
}

# bench TASK: runs cva RUNS times and lifetimes LIFETIMES_RUNS times, interleaved, and appends
# one line per run to runs.tsv.
bench() {
    local task="$1" run name log timing code wall kb cpu inproc palive total files
    total=$((RUNS > LIFETIMES_RUNS ? RUNS : LIFETIMES_RUNS))
    cat "${PNBD_SUMMARY:-$SUMMARY}" "$SUMMARY" >/dev/null   # into the page cache, so no contestant pays for the first read
    for run in $(seq 1 "$total"); do
        for name in cva lifetimes; do
            if [ "$name" = cva ] && [ "$run" -gt "$RUNS" ]; then continue; fi
            if [ "$name" = lifetimes ] && [ "$run" -gt "$LIFETIMES_RUNS" ]; then continue; fi
            log="$LOGS/$task-$name-$run.log"
            timing="$LOGS/$task-$name-$run.time"
            read -r -a files <<<"$(outputs_of "$task" "$name")"
            rm -f "${files[@]}"
            command_for "$task" "$name"
            timed_run "$timing" "${STDOUT:-$log}" "$log" "${CMD[@]}"
            IFS=$'\t' read -r inproc palive < <(in_process "$task" "$name" "$log") || true
            # keep each run's lifetimes JSON (timings, warnings) next to its log
            for f in "${files[@]}"; do
                case "$f" in *.json) [ -f "$f" ] && cp "$f" "$LOGS/$task-$name-$run.$(basename "$f")" ;; esac
            done
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$task" "$name" "$run" "$code" "$wall" "$kb" \
                "$cpu" "${inproc:-}" "${palive:-}" >>"$RESULTS/runs.tsv"
            printf '  %-8s %-9s run %s: %8.2f s wall %8.2f s CPU %6d MB  in-process %s s\n' "$task" "$name" \
                "$run" "$wall" "$cpu" $((kb / 1024)) "${inproc:-n/a}"
            report_failure "$task/$name" "$log"
        done
    done
}

# --- main ---------------------------------------------------------------------------------------

ensure_gnu_time
ensure_venv
copy_cva

new_results $'task\tcontestant\trun\texit\twall_s\tpeak_kb\tcpu_s\tinproc_s\tpalive_s'
rm -rf "$OUT" "$LOGS"
mkdir -p "$OUT" "$LOGS"
common_meta
meta cva_version "$("$CVA" --version 2>&1 || echo unknown)"
meta cva_binary "$CVA_SOURCE (sha256 $CVA_SHA)"
meta runs "$RUNS"
meta lifetimes_runs "$LIFETIMES_RUNS"
meta horizon "$HORIZON"
meta clv_months "$CLV_MONTHS"
meta discount_rate "$DISCOUNT_RATE"

make_dataset
for task in bgnbd gg predict; do
    if [ "$task" = predict ] && { [ ! -s "$OUT/cva-bgnbd-model.json" ] || [ ! -s "$OUT/cva-gg.json" ]; }; then
        echo "predict skipped: cva's BG/NBD model file or Gamma-Gamma fit is missing (a cva fit failed)" >&2
        continue
    fi
    say "$task: $SUMMARY_ROWS customers; cva $RUNS runs, lifetimes $LIFETIMES_RUNS"
    bench "$task"
done
PNBD_PAIRS=()
for size in $PNBD_N; do
    make_pnbd_dataset "$size"
    say "pnbd-$size: $size customers; cva $RUNS runs, lifetimes $LIFETIMES_RUNS"
    bench "pnbd-$size"
    PNBD_PAIRS+=(--pnbd "$size=$PNBD_SUMMARY")
done
unset PNBD_SUMMARY
meta pnbd_sizes "$PNBD_N"
meta loadavg_end "$(cut -d' ' -f1-3 /proc/loadavg)"

say "comparing estimates and scores"
(cd "$HERE" && "$PY" compare.py --out "$RESULTS/compare.json" --summary "$SUMMARY" --out-dir "$OUT" "${PNBD_PAIRS[@]}")

say "results"
(cd "$HERE" && "$PY" report.py "$RESULTS" "$BENCHMARKS_MD")
