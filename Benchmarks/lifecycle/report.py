#!/usr/bin/env python3
"""Writes the lifecycle benchmark's section of BENCHMARKS.md from run.sh's results.

usage: report.py RESULTS_DIR BENCHMARKS.md

Only the text between `<!-- lifecycle:begin -->` and `<!-- lifecycle:end -->` is replaced (the
section is appended when the markers are missing).
"""
import json
import os
import platform
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import read_meta, read_runs, replace_section, timing, version  # noqa: E402

BEGIN, END = "<!-- lifecycle:begin -->", "<!-- lifecycle:end -->"
TASKS = {"cohorts": "Cohort table (monthly)", "kpis": "Monthly KPIs"}


def read_sets(path):
    """{(label, task): {"customers", "rows", "runs": {contestant: [(exit, wall_s, peak_kb, cpu_s)]}}}."""
    sets = {}
    for row in read_runs(path):
        entry = sets.setdefault((row["label"], row["task"]),
                                {"customers": int(row["customers"]), "rows": int(row["rows"]), "runs": {}})
        entry["runs"].setdefault(row["contestant"], []).append(timing(row))
    return sets


def label_of(name):
    return {"cva": "cva", "duckdb": f"DuckDB {version('duckdb')}", "pandas": f"pandas {version('pandas')}"}.get(name, name)


def section(results, meta, sets):
    out = [BEGIN, "## Lifecycle: cohort table and monthly KPIs", ""]
    out.append(f"Written by `Benchmarks/lifecycle/run.sh` on {meta.get('date', '?')}. Re-run with "
               "`bash Benchmarks/lifecycle/run.sh` (environment: `N`, `RUNS`, `CVA_BIN`, `SKIP_BUILD`; see the script's header).")
    out.append("")
    out.append(f"- Machine: {meta.get('nproc', '?')} cores, {platform.system()} {platform.release()}. "
               f"**Load average (1, 5, 15 min) when the script started: {meta.get('loadavg', '?')}**; "
               "the machine is shared with other builds, so wall times are inflated and noisy; CPU seconds are disturbed less.")
    out.append(f"- Versions: {meta.get('swift_version', '?')}; cva at commit {meta.get('cva_commit', '?')}; "
               f"DuckDB {version('duckdb')}; pandas {version('pandas')}; numpy {version('numpy')}; "
               f"Python {platform.python_version()} (venv `.build/bench-venv`, pins in `Benchmarks/lifecycle/requirements.txt`)")
    out.append("- Tasks: cohorts = customers by month of first purchase, per cohort and age the active customers "
               "and revenue (`cva cohorts FILE --format csv`); KPIs = per month active, new, returning, reactivated, "
               "churned (90-day span), revenue, orders, repeat customers (`cva kpis FILE --format csv`, which also "
               "writes the rates, ARPU, AOV and simple CLV). Peers: `peer_pandas.py` (read_csv, groupby) and "
               "`peer_duckdb.py` (one SQL query over `read_csv` with window functions, `COPY ... TO` CSV, 2 threads), "
               "same definitions. Each contestant is timed as a whole process: start-up, reading the CSV, computing, writing.")
    out.append("- Measurement: runs interleaved on the same file (in the page cache); wall seconds from bash's clock "
               "around each run, peak RSS and CPU seconds (user + system) from GNU time; medians. Ratios are peer / cva: above 1 means cva is faster.")
    out.append("- Agreement (`check.py`, last runs): cohort sizes and every active cell's customers and revenue; "
               "per month every count and revenue.")
    for (label, task), entry in sets.items():
        check_path = os.path.join(results, f"check-{label}-{task}.json")
        check = json.load(open(check_path)) if os.path.exists(check_path) else {}
        out += ["", f"### {TASKS.get(task, task)}: {entry['customers']:,} customers, {entry['rows']:,} rows", ""]
        out.append("| contestant | median wall s | median peak MB | time ratio vs cva | median CPU s | CPU ratio vs cva | all runs wall s | agreement |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---|")
        medians = {}
        for name, runs in entry["runs"].items():
            ok = [r for r in runs if r[0] == 0]
            if ok:
                medians[name] = (statistics.median(r[1] for r in ok), statistics.median(r[2] for r in ok) / 1024,
                                 statistics.median(r[3] for r in ok))
        base = medians.get("cva")
        for name, runs in entry["runs"].items():
            if name not in medians:
                out.append(f"| {label_of(name)} | failed | | | | | | |")
                continue
            wall, mb, cpu = medians[name]
            ratio = f"{wall / base[0]:.2f}" if base else "n/a"
            cpu_ratio = f"{cpu / base[2]:.2f}" if base and base[2] > 0 else "n/a"
            walls = ", ".join(f"{r[1]:.2f}" for r in runs)
            out.append(f"| {label_of(name)} | {wall:.2f} | {mb:.0f} | {ratio} | {cpu:.2f} | {cpu_ratio} | {walls} | {check.get(name, '')} |")
    out.append(END)
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n")[2])
    results, markdown = sys.argv[1], sys.argv[2]
    meta = read_meta(os.path.join(results, "meta.tsv"))
    sets = read_sets(os.path.join(results, "runs.tsv"))
    if not sets:
        sys.exit("report.py: no runs were measured; BENCHMARKS.md left as it was")
    text = section(results, meta, sets)
    print(text)
    replace_section(markdown, text, BEGIN, END)


if __name__ == "__main__":
    main()
