"""Writes the churn learner benchmark's section of BENCHMARKS.md from run.sh's results.

usage: report.py RESULTS_DIR BENCHMARKS.md

Only the text between `<!-- churn:begin -->` and `<!-- churn:end -->` is replaced.
"""
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import cpu_model, read_meta, read_runs, replace_section, version  # noqa: E402

BEGIN, END = "<!-- churn:begin -->", "<!-- churn:end -->"
PAIRS = [("cva-logistic", "sklearn-logistic", "logistic regression (L2, C = 1)"),
         ("cva-gbdt", "lightgbm", "gradient-boosted trees")]


def median(values):
    values = [v for v in values if v == v]
    return statistics.median(values) if values else float("nan")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n")[2])
    results, markdown = sys.argv[1], sys.argv[2]
    meta = read_meta(os.path.join(results, "meta.tsv"))
    runs = {}
    for row in read_runs(os.path.join(results, "runs.tsv")):
        entry = runs.setdefault(row["label"], {"rows": int(row["rows"]), "by": {}})
        ok = row["exit"] == "0"
        auc = float(row["auc"]) if ok and row["auc"] not in ("None", "nan") else float("nan")
        sec = float(row["train_s"]) if ok and row["train_s"] not in ("None", "nan") else float("nan")
        cpu = float(row["cpu_s"]) if ok and row["cpu_s"] not in ("None", "nan") else float("nan")
        entry["by"].setdefault(row["contestant"], []).append((auc, sec, row["best_iteration"], cpu))
    if not runs:
        sys.exit("report.py: no runs were measured; BENCHMARKS.md left as it was")
    out = [BEGIN, "## Churn (issue 5): the whole `cva churn` run, and the learners against scikit-learn and LightGBM", "",
           f"Run on {meta.get('date')}: {meta.get('nproc')} cores ({cpu_model()}), load average at the start "
           f"{meta.get('loadavg')} (the machine is shared: timings above a load of ~1 are noisy), "
           f"cva {meta.get('cva_commit')}, {meta.get('swift_version')}; scikit-learn {version('scikit-learn')}, "
           f"LightGBM {version('lightgbm')}, numpy {version('numpy')}. Medians of " + ", ".join(f"{v} runs at {k[5:]}" for k, v in meta.items() if k.startswith("runs_")) + "; "
           f"{meta.get('threads')} threads for LightGBM and cva. Training time is the fit alone (binning included), as "
           "each contestant reports it, in wall seconds and in CPU seconds of all threads (steadier on a shared machine); "
           "reading the CSV is not counted. Data: "
           + "; ".join(v for k, v in meta.items() if k.startswith("data_origin")) + ". The learners train on the matrix "
           "that `cva churn --export-features` wrote for that data set: features at cutoff − 90 days with the labels of "
           "the 90 days to the cutoff (split train, and validation = the rows cva's trees hold out for early stopping; "
           "LightGBM stops on the same rows), tested on the features at the cutoff (split test).", ""]
    whole_path = os.path.join(results, "whole.tsv")
    whole = read_runs(whole_path) if os.path.exists(whole_path) else []
    if whole:
        out += ["Whole `cva churn DIR --model all --format json` runs (reading all files, features at both cutoffs, "
                "trees, logistic regression, BG/NBD, explanations, rules, evaluation, writing); run 0 also writes "
                "the exported matrix. Wall seconds (bash's clock around the run), CPU seconds and peak resident memory (GNU time), load average at the start "
                "of each run. Target: a minute at 1,000,000 customers.", "",
                "| customers | run | wall s | CPU s | peak MB | load | AUC gbdt | AUC logistic | AUC btyd |",
                "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for row in whole:
            def f(key, digits):
                try:
                    return f"{float(row[key]):.{digits}f}"
                except (TypeError, ValueError):
                    return "n/a"
            out.append(f"| {int(row['customers']):,} | {row['run']}{' (export)' if row['run'] == '0' else ''} | "
                       f"{f('wall_s', 1)} | {f('cpu_s', 1)} | {row['peak_mb']} | {row['loadavg']} | "
                       f"{f('auc_gbdt', 4)} | {f('auc_logistic', 4)} | {f('auc_btyd', 4)} |")
        out.append("")
    out += ["| data | matrix rows | model | cva AUC | peer AUC | ΔAUC | cva train s | peer train s | cva / peer | cva CPU s | peer CPU s | cva / peer CPU | trees (cva / LightGBM) |",
           "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    text_lines = []
    for label, entry in runs.items():
        for ours, peer, title in PAIRS:
            a, b = entry["by"].get(ours, []), entry["by"].get(peer, [])
            if not a or not b:
                continue
            auc_a, auc_b = median([r[0] for r in a]), median([r[0] for r in b])
            sec_a, sec_b = median([r[1] for r in a]), median([r[1] for r in b])
            cpu_a, cpu_b = median([r[3] for r in a]), median([r[3] for r in b])
            trees = f"{a[-1][2]} / {b[-1][2]}" if ours == "cva-gbdt" else ""
            name = f"{int(label):,} customers" if label.isdigit() else label
            line = (f"| {name} | {entry['rows']:,} | {title} ({peer}) | {auc_a:.4f} | {auc_b:.4f} | {auc_a - auc_b:+.4f} | "
                    f"{sec_a:.2f} | {sec_b:.2f} | {sec_a / sec_b:.2f} | {cpu_a:.2f} | {cpu_b:.2f} | {cpu_a / cpu_b:.2f} | {trees} |")
            out.append(line)
            text_lines.append(line)
    out += ["", "Target: AUC within 0.01 of the peer and a training time no slower than the peer's.", END]
    replace_section(markdown, "\n".join(out), BEGIN, END)
    print("\n".join(text_lines))


if __name__ == "__main__":
    main()
