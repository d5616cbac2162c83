# Shared by the benchmark scripts (sourced, not run). Each run.sh sets HERE, ROOT and BENCH_DIR,
# then sources this file, which sets:
#   VENV, PY        the peers' virtual environment under .build/ and its python
#   RESULTS         $BENCH_DIR/results (runs.tsv, meta.tsv)
#   SEED            the seed of every generated data set
#   LOAD_AT_START   the load average (1, 5, 15 min) when the script started, taken here, before the
#                   script's own build and data generation load the machine: a high value means
#                   something else was running and the timings are suspect
# and defines say, warn, meta, ensure_gnu_time, ensure_venv, find_cva, require_cva, copy_cva,
# new_results, common_meta, reuse_data, timed_run, run_contestant and report_failure.

VENV="$ROOT/.build/bench-venv"
PY="$VENV/bin/python"
RESULTS="$BENCH_DIR/results"
SEED=42
LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg)"

say() { printf '\n==> %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
meta() { printf '%s\t%s\n' "$1" "$2" >>"$RESULTS/meta.tsv"; }

# GNU time for wall time and peak memory; installed with apt-get when missing.
ensure_gnu_time() {
    [ -x /usr/bin/time ] && return 0
    say "installing GNU time (apt-get install -y time)"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq time
}

# The peers' throwaway virtual environment, with the pinned versions of $HERE/requirements.txt
# (a no-op when they are installed already).
ensure_venv() {
    if [ ! -x "$PY" ]; then
        say "creating the peers' virtual environment $VENV"
        python3 -m venv "$VENV"
        "$PY" -m pip install --quiet --disable-pip-version-check --upgrade pip
    fi
    "$PY" -m pip install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"
}

# find_cva [--build-must-pass]: sets CVA to $CVA_BIN when given, else to .build/release/cva, built
# first with `swift build -c release --product cva --static-swift-stdlib` (the README's build) unless SKIP_BUILD=1. A failed build is a
# warning (the binary already there, if any, is measured) or, with --build-must-pass, the end of
# the script. Whether CVA exists is the caller's check (require_cva).
find_cva() {
    local status=0
    if [ -n "${CVA_BIN:-}" ]; then
        CVA="$CVA_BIN"
        return 0
    fi
    CVA="$ROOT/.build/release/cva"
    [ "${SKIP_BUILD:-0}" != 1 ] || return 0
    say "building cva: swift build -c release --product cva --static-swift-stdlib"
    (cd "$ROOT" && swift build -c release --product cva --static-swift-stdlib) || status=$?
    [ "$status" = 0 ] && return 0
    [ "${1:-}" != --build-must-pass ] || exit "$status"
    warn "swift build failed"
}

# Stops the script when there is no cva binary at $CVA.
require_cva() {
    [ -x "$CVA" ] || { echo "error: no cva binary at $CVA" >&2; exit 1; }
}

# Sets CVA to a private copy (in $BENCH_DIR/bin) of $CVA_BIN, else of .build/release/cva, so that a
# rebuild while the benchmark runs does not change what is measured; CVA_SOURCE to where it came
# from and CVA_SHA to the first 12 hex digits of its SHA-256. Never builds; stops with a message
# when there is no binary.
copy_cva() {
    local source="${CVA_BIN:-$ROOT/.build/release/cva}"
    if [ ! -x "$source" ]; then
        echo "error: cva binary not found at $source." >&2
        echo "Build it first (swift build -c release --product cva --static-swift-stdlib) or point CVA_BIN at one;" >&2
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

# new_results HEADER: an empty $RESULTS holding runs.tsv with the tab-separated column names HEADER.
new_results() {
    rm -rf "$RESULTS"
    mkdir -p "$RESULTS"
    printf '%s\n' "$1" >"$RESULTS/runs.tsv"
}

# common_meta [PATH...]: records date, nproc, swift_version, cva_commit and loadavg in meta.tsv.
# cva_commit is HEAD's short hash, with " (uncommitted changes)" when the tree (only PATHs, when
# given) differs from it.
common_meta() {
    local swift_version changed
    swift_version="$(swift --version 2>&1 || true)"
    changed="$(git -C "$ROOT" status --porcelain -- "$@" 2>/dev/null || true)"
    meta date "$(date -u '+%Y-%m-%d %H:%M UTC')"
    meta nproc "$(nproc)"
    meta swift_version "${swift_version%%$'\n'*}"
    meta cva_commit "$(git -C "$ROOT" rev-parse --short --verify -q HEAD || echo 'no commit yet')${changed:+ (uncommitted changes)}"
    meta loadavg "$LOAD_AT_START"
}

# reuse_data FILE ORIGIN: true, saying so, when FILE exists and the ORIGIN file beside it records
# ORIGIN (the generator and its arguments are unchanged). Else false, with FILE's folder emptied for
# a new data set; the caller makes it and then records ORIGIN with `printf '%s' ORIGIN >DIR/ORIGIN`.
reuse_data() {
    local dir
    dir="$(dirname "$1")"
    if [ -f "$1" ] && [ "$(cat "$dir/ORIGIN" 2>/dev/null)" = "$2" ]; then
        echo "reusing $1"
        return 0
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    return 1
}

# timed_run TIMING STDOUT STDERR COMMAND...: runs COMMAND under GNU time (its report into the file
# TIMING), standard output into the file STDOUT and standard error into STDERR ("-" leaves either
# as it is; the same file for both takes both). Sets code (exit status), wall (seconds), kb (peak
# resident memory) and cpu (user + system seconds): the caller's locals when it has them.
timed_run() {
    local timing="$1" stdout="$2" stderr="$3" user sys start end
    shift 3
    start="${EPOCHREALTIME:-}"
    if (
        [ "$stdout" = - ] || exec >"$stdout"
        if [ "$stderr" = "$stdout" ] && [ "$stderr" != - ]; then
            exec 2>&1
        elif [ "$stderr" != - ]; then
            exec 2>"$stderr"
        fi
        exec /usr/bin/time -f "%e %M %U %S" -o "$timing" "$@"
    ); then code=0; else code=$?; fi
    end="${EPOCHREALTIME:-}"
    # GNU time puts "Command exited with non-zero status" first when it fails.
    read -r wall kb user sys < <(tail -n1 "$timing")
    # GNU time gives the wall time in hundredths of a second, too coarse for runs of a tenth of a
    # second; bash's clock (microseconds, no process started to read it) around the run is used
    # instead. It also counts starting GNU time itself, about a millisecond, for every contestant.
    if [ -n "$start" ] && [ -n "$end" ]; then
        wall=$(awk -v a="${start/,/.}" -v b="${end/,/.}" 'BEGIN { printf "%.4f", b - a }')
    fi
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
}

# report_failure NAME LOG: when $code is not 0, says that NAME failed and shows LOG's last lines.
report_failure() {
    [ "$code" = 0 ] && return 0
    echo "  $1 FAILED (exit $code); last lines of $2:" >&2
    tail -n 5 "$2" >&2
}

# run_contestant NAME RUN RUNS LOG TIMING FIELD...: one timed run of "${CMD[@]}" (output and
# errors into LOG); appends FIELD..., NAME, RUN, exit, wall_s, peak_kb and cpu_s as a line of
# runs.tsv and prints a progress line (and LOG's end when it failed).
run_contestant() {
    local name="$1" run="$2" runs="$3" log="$4" timing="$5" code wall kb cpu
    shift 5
    timed_run "$timing" "$log" "$log" "${CMD[@]}"
    printf '%s\t' "$@" "$name" "$run" "$code" "$wall" "$kb" >>"$RESULTS/runs.tsv"
    printf '%s\n' "$cpu" >>"$RESULTS/runs.tsv"
    printf '  %-10s run %s/%s: %7.3f s wall  %6.2f s CPU  %6d MB\n' "$name" "$run" "$runs" "$wall" "$cpu" $((kb / 1024))
    report_failure "$name" "$log"
}
