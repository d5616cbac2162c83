#!/usr/bin/env python3
"""Turn the measurements of run.sh into a summary on stdout and the satisfaction section of
BENCHMARKS.md (between `<!-- satisfaction:begin -->` and `<!-- satisfaction:end -->`; the rest
of the file is left alone). Every number comes from RESULTS_DIR (runs.tsv, meta.tsv, check.json).

usage: report.py RESULTS_DIR BENCHMARKS.md
"""
import json
import os
import platform
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import read_meta, read_runs, replace_section, timing, version  # noqa: E402

BEGIN, END = "<!-- satisfaction:begin -->", "<!-- satisfaction:end -->"


def main():
    results, markdown = sys.argv[1], sys.argv[2]
    meta = read_meta(os.path.join(results, "meta.tsv"))
    runs = {}
    rows = 0
    for row in read_runs(os.path.join(results, "runs.tsv")):
        rows = int(row["rows"])
        runs.setdefault(row["contestant"], []).append(timing(row))
    if not runs:
        sys.exit("report.py: no runs were measured; BENCHMARKS.md left as it was")
    check_path = os.path.join(results, "check.json")
    check = json.load(open(check_path)) if os.path.exists(check_path) else None
    medians = {}
    for name, rs in runs.items():
        if all(r[0] == 0 for r in rs):
            medians[name] = (statistics.median(r[1] for r in rs), statistics.median(r[2] for r in rs) / 1024,
                             statistics.median(r[3] for r in rs))
    base = medians.get("cva")
    names = {"cva": "cva", "pandas": f"pandas {version('pandas')}"}
    table = ["| contestant | median wall s | median peak MB | time ratio vs cva | memory ratio vs cva | median CPU s | all runs wall s |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    text = []
    for name in ["cva", "pandas"]:
        if name not in runs:
            continue
        all_runs = ", ".join(f"{r[1]:.3f}" for r in runs[name])
        if name not in medians:
            table.append(f"| {names[name]} | failed | failed | | | | {all_runs} |")
            text.append(f"{names[name]}: FAILED ({all_runs})")
            continue
        wall, mb, cpu = medians[name]
        ratio = f"{wall / base[0]:.1f}" if base and base[0] > 0 else "n/a"
        mem = f"{mb / base[1]:.2f}" if base and base[1] > 0 else "n/a"
        table.append(f"| {names[name]} | {wall:.3f} | {mb:.0f} | {ratio} | {mem} | {cpu:.2f} | {all_runs} |")
        text.append(f"{names[name]:14s} median {wall:7.3f} s wall, {mb:5.0f} MB, {cpu:6.2f} s CPU; time ratio vs cva {ratio}")
    if check is None:
        agreement = "not checked (an output is missing)"
    elif check["agree"]:
        agreement = (f"cva and pandas agree on every NPS (score, moe, counts), CSAT and CES value, overall and in "
                     f"all {check['months']} months (relative tolerance 1e-9); overall NPS {check['nps']:.2f}, "
                     f"CSAT {check['csat']:.2f}%, CES {check['ces']:.3f}")
    else:
        agreement = "DIFFERENCES: " + "; ".join(check["problems"][:5])
    section = [BEGIN, "## Satisfaction (NPS, CSAT, CES overall and by month)", "",
               f"Written by `Benchmarks/satisfaction/run.sh` on {meta.get('date', '?')}. Re-run with "
               "`bash Benchmarks/satisfaction/run.sh` (environment: `ROWS`, `RUNS`, `CVA_BIN`, `SKIP_BUILD`).", "",
               f"- Machine: nproc {meta.get('nproc', '?')}, {platform.system()} {platform.release()}; "
               f"load average (1, 5, 15 min) when the script started: {meta.get('loadavg', '?')} "
               "(well above 0: other work shared the cores and the timings are noisy).",
               f"- Versions: {meta.get('swift_version', '?')}; cva at commit {meta.get('cva_commit', '?')}; "
               f"pandas {version('pandas')}, numpy {version('numpy')}, Python {platform.python_version()} "
               "(venv `.build/bench-venv`, pins in `Benchmarks/satisfaction/requirements.txt`).",
               f"- Data: {meta.get('data_origin', '?')}: {rows:,} survey answers, "
               f"{int(meta.get('data_bytes', '0')) / 1e6:.0f} MB.",
               "- Task: NPS (score, 95% margin of error, promoters/passives/detractors), CSAT (% 4–5, mean) and "
               "CES (mean, % 5–7) overall and per calendar month, blanks not counted. cva: "
               "`cva satisfaction FILE --by month --format json` (every row also checked against the surveys "
               "schema: scales, dates, duplicates); pandas: `read_csv` of 4 columns, then the same sums overall and "
               "`groupby(month)` (`peer_pandas.py`), JSON written. Each timed as a whole process, start-up included.",
               f"- Measurement: {meta.get('runs', '?')} runs each, interleaved, file in the page cache; wall seconds "
               "from bash's clock around each run (microseconds; it includes starting GNU time, about a millisecond), "
               "peak RSS and CPU seconds from GNU time; medians. Ratio = pandas / cva (above 1: cva is faster).",
               f"- Correctness (`check.py`): {agreement}.", "", *table, END]
    replace_section(markdown, "\n".join(section), BEGIN, END)
    print("\n".join(text))
    print(f"wrote the satisfaction section of {markdown}")


if __name__ == "__main__":
    main()
