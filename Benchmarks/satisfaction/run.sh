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
        (cd "$ROOT" && swift build -c release --product cva) || warn "swift build failed"
    fi
fi
[ -x "$CVA" ] || { echo "error: no cva binary at $CVA" >&2; exit 1; }

rm -rf "$RESULTS"
mkdir -p "$RESULTS" "$BENCH_DIR/out" "$BENCH_DIR/logs"
printf 'label\tcustomers\trows\tcontestant\trun\texit\twall_s\tpeak_kb\tcpu_s\n' >"$RESULTS/runs.tsv"
swift_version="$(swift --version 2>&1 || true)"
meta date "$(date -u '+%Y-%m-%d %H:%M UTC')"
meta nproc "$(nproc)"
meta swift_version "${swift_version%%$'\n'*}"
meta cva_commit "$(git -C "$ROOT" rev-parse --short --verify -q HEAD || echo 'no commit yet')$([ -z "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ] || echo ' (uncommitted changes)')"
meta runs "$RUNS"
meta loadavg "$LOAD_AT_START"

# --- data: reused while the generator and its arguments are unchanged ---
DATA="$BENCH_DIR/data-$ROWS/surveys.csv"
origin="\`Benchmarks/satisfaction/make_data.py --rows $ROWS --seed $SEED\` (sha256 $(sha256sum "$HERE/make_data.py" | cut -c1-12))"
if [ -f "$DATA" ] && [ "$(cat "$(dirname "$DATA")/ORIGIN" 2>/dev/null)" = "$origin" ]; then
    echo "reusing $DATA"
else
    say "generating $ROWS survey answers"
    rm -rf "$(dirname "$DATA")"
    mkdir -p "$(dirname "$DATA")"
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
        if /usr/bin/time -f "%e %M %U %S" -o "$timing" "${CMD[@]}" >"$log" 2>&1; then code=0; else code=$?; fi
        read -r wall kb user sys < <(tail -n1 "$timing")
        cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
        printf 'standard\t-\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$ROWS" "$name" "$run" "$code" "$wall" "$kb" "$cpu" >>"$RESULTS/runs.tsv"
        printf '  %-8s run %s/%s: %6.2f s wall  %6.2f s CPU  %6d MB\n' "$name" "$run" "$RUNS" "$wall" "$cpu" $((kb / 1024))
        if [ "$code" != 0 ]; then
            echo "  $name FAILED (exit $code); last lines of $log:" >&2
            tail -n 5 "$log" >&2
        fi
    done
done

if [ -s "$BENCH_DIR/out/cva.json" ] && [ -s "$BENCH_DIR/out/pandas.json" ]; then
    "$PY" "$HERE/check.py" "$BENCH_DIR/out/cva.json" "$BENCH_DIR/out/pandas.json" "$RESULTS/check.json" || warn "outputs differ"
fi

say "results"
"$PY" "$HERE/report.py" "$RESULTS" "$ROOT/BENCHMARKS.md"
