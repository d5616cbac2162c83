"""Summarises Benchmarks/rfm runs (medians, ratios, agreement) into BENCHMARKS.md between
<!-- rfm:begin --> and <!-- rfm:end -->.

usage: report.py RESULTS_DIR CVA_OUT.csv PANDAS_OUT.csv BENCHMARKS.md
"""
import os
import statistics
import sys

import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import read_meta, replace_section  # noqa: E402

BEGIN, END = "<!-- rfm:begin -->", "<!-- rfm:end -->"


def main(results, cva_out, pandas_out, target):
    runs = pd.read_csv(f"{results}/runs.tsv", sep="\t")
    meta = read_meta(f"{results}/meta.tsv")
    med = {name: {c: statistics.median(g[c]) for c in ["wall_s", "peak_kb", "read_s", "summary_s", "classify_s", "output_s"]}
           for name, g in runs.groupby("contestant")}
    c, p = med["cva"], med["pandas"]
    a = pd.read_csv(cva_out, dtype={"customer_id": str}).set_index("customer_id")
    b = pd.read_csv(pandas_out, dtype={"customer_id": str}).set_index("customer_id").reindex(a.index)
    agree = {col: float((a[col] == b[col]).mean()) for col in ["recency_days", "frequency", "r_score", "f_score", "m_score", "abc_class"]}
    agree["monetary"] = float(((a["monetary"] - b["monetary"]).abs() <= 0.005 + 1e-9 * b["monetary"].abs()).mean())
    lines = [
        BEGIN,
        "## RFM scoring (issue 4): `cva rfm` vs pandas `qcut`",
        "",
        f"Run {meta['date']} on {meta['nproc']} cores (load average at start {meta['loadavg']}), cva {meta['cva_commit']}, "
        f"{int(meta['customers']):,} customers, {int(meta['rows']):,} transaction rows (`cva generate --seed 42`), "
        f"{runs['run'].max()} runs each, medians. Both read the same transactions CSV, build R, F, M per customer "
        "(365-day window) and make every classification (quintile scores, weighted score and tiers, eight-class "
        "segments, value matrix, ABC); cva also assigns the ten named segments. Steps are timed inside each program.",
        "",
        "| step | cva | pandas | pandas / cva |",
        "|---|---:|---:|---:|",
    ]
    for key, label in [("read_s", "read the CSV"), ("summary_s", "R, F, M per customer"), ("classify_s", "scoring and classification"),
                       ("output_s", "write the per-customer CSV"), ("wall_s", "whole process (wall)")]:
        lines.append(f"| {label} | {c[key]:.3f} s | {p[key]:.3f} s | {p[key] / c[key]:.1f}× |")
    lines.append(f"| peak memory | {c['peak_kb'] / 1024:.0f} MB | {p['peak_kb'] / 1024:.0f} MB | {p['peak_kb'] / c['peak_kb']:.1f}× |")
    lines += [
        "",
        "Agreement per customer (share of equal values): " + ", ".join(f"{k} {v:.4f}" for k, v in agree.items()) + ". "
        "Scores can differ by design where values tie: `qcut(duplicates='drop')` merges bins that share an edge, "
        "while cva gives tied values one score and keeps k bins.",
        END,
    ]
    section = "\n".join(lines)
    replace_section(target, section, BEGIN, END)
    print(section)


if __name__ == "__main__":
    main(*sys.argv[1:5])
