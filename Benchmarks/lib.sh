# Shared by the benchmark scripts (sourced, not run). Expects VENV, PY, HERE and RESULTS set.

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
