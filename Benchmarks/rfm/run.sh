#!/usr/bin/env bash
# RFM benchmark: `cva rfm` (quantile scores, weighted score and tiers, segments, value matrix,
# ABC) against the same scoring done with pandas (qcut), side by side in one run on the same
# transactions file. Writes the section between <!-- rfm:begin --> and <!-- rfm:end --> of
# BENCHMARKS.md.
#
# usage: bash Benchmarks/rfm/run.sh
# Environment (all optional): N=1000000 customers, RUNS=3 runs each (medians reported),
#   CVA_BIN=path (else .build/release/cva, built unless SKIP_BUILD=1), BENCH_DIR=.build/bench-rfm
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
N="${N:-1000000}"
RUNS="${RUNS:-3}"
SKIP_BUILD="${SKIP_BUILD:-0}"
BENCH_DIR="${BENCH_DIR:-$ROOT/.build/bench-rfm}"
. "$HERE/../lib.sh"

ensure_gnu_time
ensure_venv
find_cva --build-must-pass
require_cva

DATA_DIR="$BENCH_DIR/data-$N"
DATA="$DATA_DIR/transactions.csv"
if [ ! -f "$DATA" ]; then
    say "generating $N customers"
    mkdir -p "$DATA_DIR"
    "$CVA" generate --customers "$N" --seed "$SEED" --out "$DATA_DIR" --only transactions
fi
new_results $'contestant\trun\twall_s\tpeak_kb\tread_s\tsummary_s\tclassify_s\toutput_s'
mkdir -p "$BENCH_DIR/out"
common_meta
meta customers "$N"
meta rows "$(($(wc -l <"$DATA") - 1))"
cat "$DATA" >/dev/null
for run in $(seq 1 "$RUNS"); do
    for name in cva pandas; do
        out="$BENCH_DIR/out/$name.csv"
        rm -f "$out"
        if [ "$name" = cva ]; then
            cmd=("$CVA" rfm "$DATA" --format csv --out "$out" --timing)
        else
            cmd=("$PY" "$HERE/peer_pandas.py" "$DATA" "$out")
        fi
        timed_run "$RESULTS/time" - "$RESULTS/stderr" "${cmd[@]}"
        report_failure "$name" "$RESULTS/stderr"
        [ "$code" = 0 ] || exit "$code"
        steps=$(grep '^timing:' "$RESULTS/stderr" | sed -E 's/[^0-9. ]//g' | awk '{print $1"\t"$2"\t"$3"\t"$4}')
        printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$run" "$wall" "$kb" "$steps" >>"$RESULTS/runs.tsv"
        printf '  %-7s run %s: %6.2f s  %5d MB  (%s)\n' "$name" "$run" "$wall" $((kb / 1024)) "$(grep '^timing:' "$RESULTS/stderr")"
    done
done
"$PY" "$HERE/report.py" "$RESULTS" "$BENCH_DIR/out/cva.csv" "$BENCH_DIR/out/pandas.csv" "$ROOT/BENCHMARKS.md"
