#!/usr/bin/env bash
# Feedback text benchmark: `cva feedback FILE --summary-only --format json` against a pandas
# keyword-tagging baseline (Series.str.contains over one regex per theme), side by side in one
# run on the same comments file. Writes the results between the markers
# <!-- feedback:begin --> and <!-- feedback:end --> of BENCHMARKS.md at the repository root.
#
# usage: bash Benchmarks/feedback/run.sh
#
# Environment (all optional):
#   N=1000000        comments (survey rows) in the file
#   RUNS=3           timed runs per contestant; medians are reported
#   PEERS=pandas     peers to run next to cva ("" for cva alone); `cva profile` on the same
#                    file (cva-read) always runs too, to separate reading from tagging
#   CVA_BIN=path     use this cva binary instead of building one
#   SKIP_BUILD=0     1: do not run `swift build`, use .build/release/cva as it is
#   BENCH_DIR=.build/bench-feedback   data, outputs, logs and raw results
#
# Needs: python3 (with venv), Swift for the build, GNU time (installed with apt-get if missing).
# The peer is installed from requirements.txt into .build/bench-venv, never the system Python.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

N="${N:-1000000}"
RUNS="${RUNS:-3}"
PEERS="${PEERS-pandas}"
SKIP_BUILD="${SKIP_BUILD:-0}"
BENCH_DIR="${BENCH_DIR:-$ROOT/.build/bench-feedback}"
LEXICON_SOURCE="$ROOT/Sources/CustomerValue/Satisfaction/FeedbackLexicon.swift"

# VENV, PY, RESULTS, SEED, LOAD_AT_START; say, warn, meta, ensure_gnu_time, ensure_venv, find_cva,
# require_cva, new_results, common_meta, reuse_data, run_contestant
. "$HERE/../lib.sh"

ensure_gnu_time
ensure_venv
find_cva
require_cva

new_results $'label\tcustomers\trows\tcontestant\trun\texit\twall_s\tpeak_kb\tcpu_s'
mkdir -p "$BENCH_DIR/out" "$BENCH_DIR/logs"
common_meta Sources
meta runs "$RUNS"

# --- data: reused while the generator script is unchanged ----------------------------------------
DIR="$BENCH_DIR/data-$N"
DATA="$DIR/surveys.csv"
origin="\`Benchmarks/feedback/make_comments.py --rows $N --seed $SEED\` (sha256 $(sha256sum "$HERE/make_comments.py" | cut -c1-12))"
if ! reuse_data "$DATA" "$origin"; then
    say "generating $N comments: $origin"
    python3 "$HERE/make_comments.py" --rows "$N" --seed "$SEED" --out "$DATA"
    printf '%s' "$origin" >"$DIR/ORIGIN"
fi
ROWS=$(($(wc -l <"$DATA") - 1))
meta data_origin "$origin"
meta data_bytes "$(stat -c %s "$DATA")"
echo "$DATA: $ROWS comments, $(du -h "$DATA" | cut -f1)"

contestant_command() {
    case "$1" in
        cva) CMD=("$CVA" feedback "$2" --summary-only --format json --out "$3" --quarantine "$BENCH_DIR/out/quarantine.csv") ;;
        cva-read) CMD=("$CVA" profile "$2" --format json --out "$3" --quarantine "$BENCH_DIR/out/quarantine-read.csv") ;;
        pandas) CMD=("$PY" "$HERE/peer_pandas.py" "$2" "$3" "$LEXICON_SOURCE") ;;
        *) echo "error: unknown contestant '$1'" >&2; exit 1 ;;
    esac
}

# cva-read is `cva profile` on the same file: the reading and checking alone, so that the cost of
# tagging and scoring is the difference.
contestants=(cva cva-read)
read -r -a peers <<<"$PEERS"
contestants+=("${peers[@]}")
say "$ROWS comments, $RUNS runs each of: ${contestants[*]}"
cat "$DATA" >/dev/null   # into the page cache, so no contestant pays for the first read
for run in $(seq 1 "$RUNS"); do
    for name in "${contestants[@]}"; do
        out="$BENCH_DIR/out/$name.json"
        log="$BENCH_DIR/logs/$name-$run.log"
        timing="$BENCH_DIR/logs/$name-$run.time"
        rm -f "$out"
        contestant_command "$name" "$DATA" "$out"
        run_contestant "$name" "$run" "$RUNS" "$log" "$timing" standard "$ROWS" "$ROWS"
    done
done

say "results"
"$PY" "$HERE/report.py" "$RESULTS" "$BENCH_DIR/out" "$ROOT/BENCHMARKS.md"
