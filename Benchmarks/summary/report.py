#!/usr/bin/env python3
"""Turn the measurements of run.sh into a summary on stdout and a section of BENCHMARKS.md.

usage: report.py RESULTS_DIR BENCHMARKS.md

RESULTS_DIR holds what run.sh wrote:
  runs.tsv          one line per timed run: label, customers, rows, contestant, run, exit,
                    wall_s, peak_kb, cpu_s (user + system)
  meta.tsv          key<TAB>value facts gathered by run.sh (date, swift version, data origin...)
  check-LABEL.json  check.py's comparison of the outputs of one data set

Only the section between `<!-- summary:begin -->` and `<!-- summary:end -->` is replaced, so
other benchmarks keep their own sections in the same file. Every number written comes from
those files; nothing here is typed in by hand.
"""
import json
import os
import platform
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import (cpu_model, markdown_table, memory_gib, read_meta, read_runs, replace_section,  # noqa: E402
                      text_table, timing, version)

BEGIN, END = "<!-- summary:begin -->", "<!-- summary:end -->"
INTRO = """# Benchmarks

Measured by the scripts under `Benchmarks/`, which generate data with `cva generate`, run `cva`
and its peers on the same input side by side in one run, and write their own section of this
file. Peers are installed from PyPI into a throwaway virtual environment under `.build/`; they
are only compared against and never dependencies of CVA. Each script replaces only the text
between its own `<!-- NAME:begin -->` and `<!-- NAME:end -->` markers: do not edit inside them
by hand, re-run the script instead.
"""
CONTESTANT_ORDER = ["cva", "duckdb", "lifetimes"]


def read_sets(path):
    """{label: {"customers", "rows", "contestants": {name: [(exit, wall_s, peak_kb, cpu_s)]}}}."""
    sets = {}
    for row in read_runs(path):
        entry = sets.setdefault(row["label"], {"customers": int(row["customers"]),
                                               "rows": int(row["rows"]), "contestants": {}})
        entry["contestants"].setdefault(row["contestant"], []).append(timing(row))
    return sets


def describe(name, meta):
    versions = {
        "cva": "cva",
        "duckdb": f"DuckDB {version('duckdb')}",
        "lifetimes": f"pandas {version('pandas')} + lifetimes {version('lifetimes')}",
    }
    return versions.get(name, name)


def correctness(name, check):
    if check is None:
        return "not checked"
    if name == check["reference"]:
        return "reference"
    result = check["candidates"].get(name)
    if result is None:
        return "not checked"
    if not result["ok"]:
        return "FAIL: " + "; ".join(result["problems"])
    return (f"ok: {result['customers']:,} customers, frequency/recency/T equal, "
            f"monetary_value max rel diff {result['max_rel_diff_monetary_value']:.1e}")


def table_rows(entry, check, meta):
    """One row per contestant: name, medians (wall s, MB, CPU s), ratios, runs, correctness."""
    medians = {}
    for name, runs in entry["contestants"].items():
        if all(run[0] == 0 for run in runs):
            medians[name] = (statistics.median(run[1] for run in runs),
                             statistics.median(run[2] for run in runs) / 1024,
                             statistics.median(run[3] for run in runs))
    base = medians.get("cva")
    rows = []
    names = sorted(entry["contestants"], key=lambda n: (CONTESTANT_ORDER + [n]).index(n))
    for name in names:
        runs = entry["contestants"][name]
        all_runs = ", ".join(f"{run[1]:.2f}" for run in runs)
        if name not in medians:
            codes = sorted({run[0] for run in runs if run[0] != 0})
            rows.append([describe(name, meta), "failed", "failed", "", "", "", all_runs,
                         f"FAIL: exit status {', '.join(map(str, codes))}"])
            continue
        wall, mb, cpu = medians[name]
        time_ratio = f"{wall / base[0]:.2f}" if base and base[0] > 0 else "n/a"
        mem_ratio = f"{mb / base[1]:.2f}" if base and base[1] > 0 else "n/a"
        rows.append([describe(name, meta), f"{wall:.2f}", f"{mb:.0f}", time_ratio, mem_ratio,
                     f"{cpu:.2f}", all_runs, correctness(name, check)])
    return rows


HEADER = ["contestant", "median wall s", "median peak MB", "time ratio vs cva",
          "memory ratio vs cva", "median CPU s", "all runs wall s", "correctness vs reference"]


def build_section(results_dir, meta, sets):
    python = platform.python_version()
    out = [BEGIN, "## Customer summary (BTYD frequency, recency, T, monetary_value)", ""]
    out.append(f"Written by `Benchmarks/summary/run.sh` on {meta.get('date', 'unknown date')}. "
               "Re-run with `bash Benchmarks/summary/run.sh` (environment: `N`, `RUNS`, "
               "`LARGE=1`, `LARGE_N`, `LARGE_PEERS`, `CVA_BIN`; see the script's header).")
    out.append("")
    out.append(f"- Machine: {os.cpu_count()} cores (nproc {meta.get('nproc', '?')}), "
               f"{cpu_model()}, {memory_gib()} RAM, {platform.system()} {platform.release()}")
    out.append(f"- Versions: {meta.get('swift_version', 'swift: unknown')}; cva at commit "
               f"{meta.get('cva_commit', 'unknown')}; DuckDB {version('duckdb')}; "
               f"pandas {version('pandas')}; lifetimes {version('lifetimes')}; "
               f"numpy {version('numpy')}; scipy {version('scipy')}; "
               f"Python {python} (peers' venv `.build/bench-venv`, pins in "
               "`Benchmarks/summary/requirements.txt`)")
    out.append("- Task: per customer, purchases on one calendar day form one period (amounts "
               "summed); frequency = periods − 1, recency = last − first period, T = last date "
               "in the file − first period (days), monetary_value = mean of the repeat periods' "
               "amounts (0 without repeats).")
    out.append("- Contestants: `cva summary FILE --format csv --unit day --out OUT.csv`; DuckDB: "
               "one SQL query over `read_csv` (group by customer and day, then by customer) "
               "written with `COPY ... TO` CSV, `threads = 2` (`peer_duckdb.py`); pandas + "
               "lifetimes: `pd.read_csv` (3 columns), `summary_data_from_transaction_data(..., "
               "freq='D')`, `to_csv` (`peer_lifetimes.py`). Each is timed as a whole process, "
               "interpreter start-up and imports included.")
    out.append(f"- Measurement: {meta.get('runs', '?')} runs per contestant, interleaved, on the "
               "same file (read once beforehand, so it is in the page cache); wall-clock seconds "
               "from bash's clock around each run, peak RSS from GNU time (`%M`), plus CPU seconds (`%U` + `%S`), which "
               "another process on the machine disturbs less than wall time; medians shown. "
               "Ratios are peer / cva: "
               "above 1 means cva is faster or uses less memory. Load average (1, 5, 15 min) "
               f"when the script started: {meta.get('loadavg', 'unknown')}; well above 0 means "
               "something else was using the 2 cores.")
    out.append("- Correctness: `check.py` compares each output with the reference (lifetimes when "
               "it ran, else DuckDB) customer by customer: the customer sets must match and "
               "frequency, recency, T must be equal; the largest relative difference of "
               "monetary_value is shown.")
    if meta.get("cva_status"):
        out.append(f"- cva: {meta['cva_status']}")
    for label in sets:
        entry = sets[label]
        check_path = os.path.join(results_dir, f"check-{label}.json")
        check = json.load(open(check_path)) if os.path.exists(check_path) else None
        rows = table_rows(entry, check, meta)
        out.append("")
        origin = meta.get(f"data_origin_{label}", "unknown generator")
        size = meta.get(f"data_bytes_{label}")
        size_text = f", {int(size) / 1e6:.0f} MB" if size else ""
        out.append(f"### {entry['customers']:,} customers, {entry['rows']:,} rows")
        out.append("")
        out.append(f"Data: {origin}{size_text}.")
        out.append("")
        out.append(markdown_table(HEADER, rows, ["---"] + ["---:"] * 6 + ["---"]))
    out.append(END)
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n")[2])
    results_dir, markdown = sys.argv[1], sys.argv[2]
    meta = read_meta(os.path.join(results_dir, "meta.tsv"))
    sets = read_sets(os.path.join(results_dir, "runs.tsv"))
    if not sets:
        sys.exit("report.py: no runs were measured; BENCHMARKS.md left as it was")

    print(f"load average when the script started: {meta.get('loadavg', 'unknown')} "
          "(well above 0: something else was using the cores, timings are suspect)")
    for label, entry in sets.items():
        check_path = os.path.join(results_dir, f"check-{label}.json")
        check = json.load(open(check_path)) if os.path.exists(check_path) else None
        print(f"\n== {label}: {entry['customers']:,} customers, {entry['rows']:,} rows ==")
        print(text_table(HEADER, table_rows(entry, check, meta)))
    replace_section(markdown, build_section(results_dir, meta, sets), BEGIN, END, new_file=INTRO)
    print(f"\nwrote the summary section of {markdown}")


if __name__ == "__main__":
    main()
