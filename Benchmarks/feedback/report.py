#!/usr/bin/env python3
"""Turn the measurements of Benchmarks/feedback/run.sh into a summary on stdout and the
feedback section of BENCHMARKS.md.

usage: report.py RESULTS_DIR OUTPUT_DIR BENCHMARKS.md

RESULTS_DIR holds runs.tsv (one line per timed run) and meta.tsv (facts gathered by run.sh);
OUTPUT_DIR the JSON written by the last run of each contestant (cva.json, pandas.json), whose
per-theme counts are compared. Only the text between `<!-- feedback:begin -->` and
`<!-- feedback:end -->` is replaced. Every number written comes from those files.
"""
import json
import os
import platform
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import cpu_model, read_meta, read_runs, replace_section, version  # noqa: E402

BEGIN, END = "<!-- feedback:begin -->", "<!-- feedback:end -->"
DOES = {
    "cva": "themes, sentiment with negation and intensifiers, escalation flag, per-theme summary",
    "cva-read": "reading and checking only (`cva profile` on the same file): the part of cva's time that is not tagging",
    "pandas": "themes only: `str.contains` with one regex per theme, same summary counts (a simple, honest baseline)",
}


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.split("\n")[3])
    results, outputs, markdown = sys.argv[1:]
    meta = read_meta(os.path.join(results, "meta.tsv"))
    runs = {}
    rows = 0
    for row in read_runs(os.path.join(results, "runs.tsv")):
        rows = int(row["rows"])
        runs.setdefault(row["contestant"], []).append(row)
    if not runs:
        sys.exit("report.py: no runs were measured; BENCHMARKS.md left as it was")

    medians = {}
    for name, entries in runs.items():
        ok = [r for r in entries if r["exit"] == "0"]
        if not ok:
            medians[name] = None
            continue
        medians[name] = {
            "wall": statistics.median(float(r["wall_s"]) for r in ok),
            "cpu": statistics.median(float(r["cpu_s"]) for r in ok),
            "mb": statistics.median(int(r["peak_kb"]) for r in ok) / 1024,
            "runs": len(ok),
        }
    base = medians.get("cva")
    table = ["| contestant | what it computes | wall (median) | CPU | peak memory | comments / s | comments / CPU-s | wall vs cva |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for name in ["cva"] + sorted(n for n in runs if n != "cva"):
        m = medians.get(name)
        if m is None:
            table.append(f"| {name} | {DOES.get(name, '')} | failed | | | | | |")
            continue
        ratio = f"{m['wall'] / base['wall']:.1f}×" if base else "n/a"
        table.append(f"| {name} | {DOES.get(name, '')} | {m['wall']:.2f} s | {m['cpu']:.2f} s | {m['mb']:.0f} MB | "
                     f"{rows / m['wall']:,.0f} | {rows / max(m['cpu'], 1e-9):,.0f} | {ratio} |")

    outputs_json = {}
    for name in runs:
        path = os.path.join(outputs, f"{name}.json")
        if os.path.exists(path):
            with open(path) as handle:
                outputs_json[name] = json.load(handle)
    names = [n for n in ["cva", "pandas"] if n in outputs_json]
    themes = [t["theme"] for t in outputs_json[names[0]]["themes"]] if names else []
    counts = ["| theme | " + " | ".join(f"{n} count" for n in names) + " |", "|---|" + "---:|" * len(names)]
    for theme in themes:
        cells = []
        for n in names:
            found = [t for t in outputs_json[n]["themes"] if t["theme"] == theme]
            cells.append(f"{found[0]['count']:,}" if found else "")
        counts.append(f"| {theme} | " + " | ".join(cells) + " |")

    out = [BEGIN, "## Feedback text (theme tagging and sentiment, `cva feedback`)", ""]
    out.append(f"Measured {meta.get('date', '?')} on {meta.get('nproc', '?')} cores ({cpu_model()}), "
               f"load average {meta.get('loadavg', '?')} at the start (the machine is shared: other builds were running, "
               f"so wall times are pessimistic; the CPU column is the better measure), "
               f"{meta.get('swift_version', '?')}, cva {meta.get('cva_commit', '?')}, pandas {version('pandas')}, "
               f"Python {platform.python_version()}. Median of {meta.get('runs', '?')} runs.")
    out.append("")
    out.append(f"Data: {rows:,} survey comments (customer_id, date, nps, comment), {int(meta.get('data_bytes', 0)) / 1e6:.0f} MB, "
               f"from {meta.get('data_origin', '?')}: one to three short Chinese or English phrases each, a tenth mixed. "
               "Command: `cva feedback surveys.csv --summary-only --format json` (reads and checks every row with the "
               "data-quality reader, then tags and scores the comment).")
    out.append("")
    out.extend(table)
    out.append("")
    read = medians.get("cva-read")
    if base and read and base["cpu"] > read["cpu"]:
        out.append(f"Tagging and scoring alone (cva CPU − cva-read CPU = {base['cpu'] - read['cpu']:.2f} s): "
                   f"{rows / (base['cpu'] - read['cpu']):,.0f} comments per CPU-second.")
        out.append("")
    out.append("Texts tagged per theme by each, as a check that both look for the same words (where they differ, the "
               "matchers do: cva matches leftmost-longest, so a phrase hides the words inside it, and treats Chinese "
               "characters as word boundaries for English terms, which Python's `\\b` does not):")
    out.append("")
    out.extend(counts)
    out.append(END)
    section = "\n".join(out) + "\n"
    print(section)
    replace_section(markdown, section, BEGIN, END)


if __name__ == "__main__":
    main()
