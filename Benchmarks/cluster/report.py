#!/usr/bin/env python3
"""Turn the measurements of run.sh into a summary on stdout and the cluster section of
BENCHMARKS.md.

usage: report.py RESULTS_DIR OUT_DIR BENCHMARKS.md

RESULTS_DIR/runs.tsv has one line per timed run (contestant, run, exit, wall_s, peak_kb, cpu_s,
kmeans_s, inertia) and meta.tsv the facts run.sh gathered; OUT_DIR holds each run's JSON. Only
the section between `<!-- cluster:begin -->` and `<!-- cluster:end -->` is replaced (the markers
are appended when absent). Every number written comes from those files.
"""
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import read_meta, read_runs, replace_section  # noqa: E402

BEGIN, END = "<!-- cluster:begin -->", "<!-- cluster:end -->"
INERTIA_TARGET = 0.01


def main():
    results, out_dir, bench_md = sys.argv[1:4]
    meta = read_meta(os.path.join(results, "meta.tsv"))
    runs = {}
    for row in read_runs(os.path.join(results, "runs.tsv")):
        runs.setdefault(row["contestant"], []).append(row)
    med = {}
    for name, rows in runs.items():
        ok = [r for r in rows if r["exit"] == "0" and r["kmeans_s"] and r["inertia"]]
        if len(ok) != len(rows) or not ok:
            med[name] = None
            continue
        med[name] = {
            "wall": statistics.median(float(r["wall_s"]) for r in ok),
            "mb": statistics.median(int(r["peak_kb"]) / 1024 for r in ok),
            "cpu": statistics.median(float(r["cpu_s"]) for r in ok),
            "kmeans": statistics.median(float(r["kmeans_s"]) for r in ok),
            "inertia": float(ok[-1]["inertia"]),
        }
    cva, sk = med.get("cva"), med.get("sklearn")
    details = {}
    for name in ("cva", "cva-lloyd", "sklearn"):
        path = os.path.join(out_dir, f"{name}-1.json")
        if os.path.exists(path):
            with open(path) as handle:
                details[name] = json.load(handle)
    lines = [BEGIN, "## Clustering: k-means, cva vs scikit-learn", ""]
    lines.append(f"Written by `Benchmarks/cluster/run.sh` on {meta.get('date', '?')} ({meta.get('nproc', '?')} cores, "
                 f"load average at start {meta.get('loadavg', '?')}, at end {meta.get('loadavg_end', '?')}); "
                 f"cva {meta.get('cva_commit', '?')}, {meta.get('swift_version', '?')}; "
                 f"scikit-learn {details.get('sklearn', {}).get('sklearn', '?')}.")
    lines.append("")
    lines.append(f"Data: {meta.get('rows', '?')} rows x 10 columns ({meta.get('data_origin', '?')}). "
                 f"k = {meta.get('k')}, n_init = {meta.get('n_init')}, max_iter = {meta.get('max_iter')}, "
                 f"tol = {meta.get('tol')} (relative to the mean column variance, both), greedy k-means++ seeding, Lloyd's "
                 f"iterations: cva `cluster --matrix --standardize none` with Hamerly's bounds (default) and with "
                 f"`--algorithm lloyd` (every distance; the same clustering), scikit-learn `KMeans(algorithm=\"lloyd\")`. "
                 f"Medians of {meta.get('runs')} interleaved runs; k-means = the fit alone (cva's `--timing`, "
                 f"perf_counter around `fit` for scikit-learn), process = reading the CSV, fitting and writing.")
    lines.append("")
    lines.append("| contestant | k-means s | process wall s | CPU s | peak MB | inertia | iterations (best run) |")
    lines.append("|---|---|---|---|---|---|---|")
    for name, label in (("cva", "cva (Hamerly)"), ("cva-lloyd", "cva --algorithm lloyd"), ("sklearn", "scikit-learn")):
        if name not in med:
            continue
        m = med.get(name)
        if m is None:
            lines.append(f"| {label} | failed | | | | | |")
            continue
        iters = details.get(name, {}).get("kmeans", {}).get("iterations") if name != "sklearn" else details.get(name, {}).get("n_iter")
        lines.append(f"| {label} | {m['kmeans']:.3f} | {m['wall']:.2f} | {m['cpu']:.2f} | {m['mb']:.0f} | "
                     f"{m['inertia']:.6g} | {iters} |")
    lines.append("")
    if cva and sk:
        speed = sk["kmeans"] / cva["kmeans"]
        process = sk["wall"] / cva["wall"]
        diff = (cva["inertia"] - sk["inertia"]) / sk["inertia"]
        verdict = "met" if speed >= 1 and abs(diff) <= INERTIA_TARGET else "NOT met"
        lines.append(f"scikit-learn / cva time: k-means {speed:.2f}x, whole process {process:.2f}x. "
                     f"Inertia: cva {diff * 100:+.4f}% against scikit-learn (target: no slower, within 1%: {verdict}).")
        lloyd = med.get("cva-lloyd")
        if lloyd:
            lines.append("")
            lines.append(f"cva with every distance (`--algorithm lloyd`): scikit-learn / cva k-means time "
                         f"{sk['kmeans'] / lloyd['kmeans']:.2f}x, inertia {(lloyd['inertia'] - sk['inertia']) / sk['inertia'] * 100:+.4f}%.")
    lines.append(END)
    section = "\n".join(lines)
    print(section)
    replace_section(bench_md, section, BEGIN, END)


if __name__ == "__main__":
    main()
