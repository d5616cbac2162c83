#!/usr/bin/env python3
"""Turn the measurements of run.sh into a summary on stdout and the models section of
BENCHMARKS.md.

usage: report.py RESULTS_DIR BENCHMARKS.md

RESULTS_DIR holds what run.sh wrote:
  runs.tsv      one line per timed run: task, contestant, run, exit, wall_s, peak_kb, cpu_s,
                inproc_s (cva fit's own timing line, or lifetimes' perf_counter), palive_s
                (lifetimes' conditional_probability_alive alone, predict task)
  meta.tsv      key<TAB>value facts gathered by run.sh (date, load average, data origin...)
  compare.json  compare.py's comparison of the outputs of the last runs

Only the section between `<!-- models:begin -->` and `<!-- models:end -->` is replaced (the
markers are appended when absent), so other benchmarks keep their own sections. Every number
written comes from those files; nothing here is typed in by hand.
"""
import json
import math
import os
import platform
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import (cpu_model, markdown_table, memory_gib, read_meta, read_runs, replace_section,  # noqa: E402
                      text_table, version)

BEGIN, END = "<!-- models:begin -->", "<!-- models:end -->"
TASKS = [("bgnbd", "BG/NBD fit"), ("gg", "Gamma-Gamma fit"), ("predict", "scoring (all customers)")]
SPEEDUP_TARGET = 100.0
# The issue's Pareto/NBD target: at least 300× lifetimes' fit time.
PNBD_SPEEDUP_TARGET = 300.0
AGREEMENT_TARGET = 1e-4


def number(text):
    return float(text) if text not in ("", None) else None


def read_task_runs(path):
    """{(task, contestant): [run dicts]}"""
    runs = {}
    for row in read_runs(path):
        runs.setdefault((row["task"], row["contestant"]), []).append({
            "exit": int(row["exit"]), "wall": float(row["wall_s"]), "mb": int(row["peak_kb"]) / 1024,
            "cpu": float(row["cpu_s"]), "inproc": number(row["inproc_s"]),
            "palive": number(row["palive_s"])})
    return runs


def median_of(runs, key):
    values = [r[key] for r in runs if r[key] is not None]
    return statistics.median(values) if values else None


def medians(runs):
    """Medians of the successful runs, or None when any run failed."""
    if not runs or any(r["exit"] != 0 for r in runs):
        return None
    return {k: median_of(runs, k) for k in ("wall", "mb", "cpu", "inproc", "palive")}


def seconds(v):
    if v is None:
        return "n/a"
    return f"{v:.3f}" if v < 10 else f"{v:.2f}"


def ratio(peer, base):
    if peer is None or base is None:
        return None
    return peer / base if base > 0 else math.inf


def ratio_text(r):
    if r is None:
        return "n/a"
    if math.isinf(r):
        return "inf"
    return f"{r:.2f}" if r < 10 else f"{r:.1f}"


def fit_agreement(check, contestant):
    if check is None:
        return "not compared"
    if not check.get("ok"):
        return f"not compared: {check.get('problem')}"
    if contestant == "cva":
        c = check["cva"]
        state = "converged" if c.get("converged") else "NOT converged"
        return (f"{state} in {c.get('iterations')} iterations; log-likelihood "
                f"{check['log_likelihood']['cva_reported']:.4f}")
    ll = check["log_likelihood"]
    rel = ", ".join(f"{k} {v:.1e}" for k, v in check["param_rel_diff"].items())
    verdict = "≤" if check["max_param_rel_diff"] <= AGREEMENT_TARGET else ">"
    minimizer = check["lifetimes"].get("minimizer") or {}
    return (f"parameters rel diff {rel} (max {check['max_param_rel_diff']:.1e} {verdict} 1e-4); "
            f"log-likelihood {ll['lifetimes_own']:.4f}, cva − lifetimes {ll['reported_diff']:+.1e}; "
            + (f"std errors max rel diff {check['max_se_rel_diff']:.1e}; "
               if check.get("max_se_rel_diff") is not None else "no std errors from lifetimes; ")
            + f"{'Nelder-Mead' if 'Nelder' in minimizer.get('method', '') else 'BFGS'} "
            f"{minimizer.get('iterations', '?')} iterations")


def predict_agreement(check, contestant):
    if check is None:
        return "not compared"
    if not check.get("ok"):
        return f"not compared: {check.get('problem')}"
    nan = check["nan"]["cva" if contestant == "cva" else "lifetimes"]
    nan_text = "NaN: " + ", ".join(f"{k} {v}" for k, v in nan.items())
    if contestant == "cva":
        return f"{check['customers']:,} customers joined on customer_id; {nan_text}"
    d = check["differences"]
    parts = []
    for column, label in (("p_alive", "p_alive"), ("expected_purchases", "expected purchases"),
                          ("expected_spend", "expected spend"), ("clv", "CLV")):
        e = d.get(column, {})
        if e.get("max") is None:
            parts.append(f"{label}: nothing compared")
            continue
        parts.append(f"{label} max {e['kind']} diff {e['max']:.1e}")
    return "; ".join(parts) + f"; {nan_text}"


def pnbd_tasks(runs):
    """[(task, label)] of the Pareto/NBD comparisons measured, smallest first."""
    sizes = sorted({int(task.split("-", 1)[1]) for task, _ in runs if task.startswith("pnbd-")})
    return [(f"pnbd-{n}", f"Pareto/NBD fit, {n:,} customers") for n in sizes]


def build(meta, runs, compare, tasks=TASKS):
    stats = {key: medians(value) for key, value in runs.items()}
    rows = []
    for task, label in tasks:
        base = stats.get((task, "cva"))
        for contestant in ("cva", "lifetimes"):
            if (task, contestant) not in runs:
                continue
            m = stats[(task, contestant)]
            name = "cva" if contestant == "cva" else f"lifetimes {version('lifetimes')}"
            check = compare.get(task) if compare else None
            agreement = (predict_agreement if task == "predict" else fit_agreement)(check, contestant)
            if m is None:
                codes = sorted({r["exit"] for r in runs[(task, contestant)] if r["exit"] != 0})
                rows.append([label, name, "failed", "failed", "", "", "", "",
                             f"FAIL: exit status {', '.join(map(str, codes))}"])
                continue
            inproc = m["inproc"]
            inproc_text = seconds(inproc) if inproc is not None else "n/a (not printed)"
            if contestant == "cva":
                r_in, r_proc = ("1.00" if inproc is not None else "n/a"), "1.00"
            else:
                r_in = ratio_text(ratio(inproc, base["inproc"] if base else None))
                r_proc = ratio_text(ratio(m["wall"], base["wall"] if base else None))
            rows.append([label, name, seconds(m["wall"]), inproc_text, f"{m['mb']:.0f}", r_in, r_proc,
                         seconds(m["cpu"]), agreement])
            if task == "predict" and contestant == "lifetimes" and m["palive"] is not None:
                rows.append([label, f"lifetimes {version('lifetimes')}: "
                             "conditional_probability_alive alone", "—", seconds(m["palive"]), "—",
                             "n/a", "—", "—", "the first of the three calls timed in the row above"])
    return stats, rows


HEADER = ["task", "contestant", "median wall s (process)", "median in-process s", "median peak MB",
          "time ratio vs cva (in-process)", "time ratio vs cva (process)", "median CPU s (process)",
          "estimates agreement"]


ALIGNMENTS = ["---", "---"] + ["---:"] * 6 + ["---"]


def targets(stats, compare):
    """Plain statements of which of the issue's targets the measurements meet."""
    out = []
    for task, label in (("bgnbd", "BG/NBD fit"), ("gg", "Gamma-Gamma fit")):
        cva, peer = stats.get((task, "cva")), stats.get((task, "lifetimes"))
        if not cva or not peer:
            out.append(f"- {label} ≥ {SPEEDUP_TARGET:.0f}× faster than lifetimes: not measured "
                       "(a run failed or was skipped).")
            continue
        r_in, r_proc = ratio(peer["inproc"], cva["inproc"]), ratio(peer["wall"], cva["wall"])
        met = lambda r: r is not None and r >= SPEEDUP_TARGET  # noqa: E731
        if met(r_in) and met(r_proc):
            verdict = "**met**"
        elif met(r_in):
            verdict = "**met in-process, not met as whole processes**"
        elif met(r_proc):
            verdict = "**met as whole processes, not met in-process**"
        else:
            verdict = "**not met**"
        r_cpu = ratio(peer["cpu"], cva["cpu"])
        out.append(f"- {label} ≥ {SPEEDUP_TARGET:.0f}× faster than lifetimes: {verdict}: "
                   f"{ratio_text(r_in)}× in-process ({seconds(peer['inproc'])} s vs "
                   f"{seconds(cva['inproc'])} s), {ratio_text(r_proc)}× as processes "
                   f"({seconds(peer['wall'])} s vs {seconds(cva['wall'])} s wall; "
                   f"{ratio_text(r_cpu)}× in process CPU seconds).")
    cva, peer = stats.get(("predict", "cva")), stats.get(("predict", "lifetimes"))
    if cva and peer and peer["palive"] is not None and cva["inproc"] is not None:
        met = cva["inproc"] < peer["palive"]
        out.append(
            f"- Scoring all customers faster than lifetimes' probability-alive alone: "
            f"{'**met**' if met else '**not met**'} (in-process, the same step on both sides): "
            f"`cva predict`'s scoring step (p_alive, expected purchases, expected spend, CLV and next "
            f"purchase date for every customer, from its `--timing` line) takes {seconds(cva['inproc'])} s, "
            f"lifetimes' `conditional_probability_alive` call alone {seconds(peer['palive'])} s "
            f"({ratio_text(ratio(peer['palive'], cva['inproc']))}×); lifetimes' three scoring calls "
            f"{seconds(peer['inproc'])} s ({ratio_text(ratio(peer['inproc'], cva['inproc']))}×). As whole "
            f"processes (start-up, reading the CSV, for cva a Gamma-Gamma fit, writing the CSV): cva "
            f"{seconds(cva['wall'])} s, lifetimes {seconds(peer['wall'])} s.")
    else:
        out.append("- Scoring all customers faster than lifetimes' probability-alive alone: not "
                   "measured (a run failed or was skipped).")
    pnbd = sorted({task for task, _ in stats if task.startswith("pnbd-")}, key=lambda t: int(t.split("-", 1)[1]))
    for task in pnbd:
        size = int(task.split("-", 1)[1])
        cva, peer = stats.get((task, "cva")), stats.get((task, "lifetimes"))
        label = f"Pareto/NBD fit ({size:,} customers) ≥ {PNBD_SPEEDUP_TARGET:.0f}× faster than lifetimes"
        if not cva or not peer:
            out.append(f"- {label}: not measured (a run failed or was skipped).")
            continue
        r_in, r_proc = ratio(peer["inproc"], cva["inproc"]), ratio(peer["wall"], cva["wall"])
        met = r_in is not None and r_in >= PNBD_SPEEDUP_TARGET
        out.append(f"- {label}: {'**met**' if met else '**not met**'} in-process: {ratio_text(r_in)}× "
                   f"({seconds(peer['inproc'])} s vs {seconds(cva['inproc'])} s); {ratio_text(r_proc)}× as "
                   f"processes ({seconds(peer['wall'])} s vs {seconds(cva['wall'])} s wall; "
                   f"{ratio_text(ratio(peer['cpu'], cva['cpu']))}× in process CPU seconds).")
    parts, all_met, known = [], True, True
    for task, label in [("bgnbd", "BG/NBD"), ("gg", "Gamma-Gamma")] + [(t, f"Pareto/NBD {int(t.split('-', 1)[1]):,}") for t in pnbd]:
        check = (compare or {}).get(task)
        if not check or not check.get("ok"):
            parts.append(f"{label} not compared")
            known = False
            continue
        worst = check["max_param_rel_diff"]
        all_met &= worst <= AGREEMENT_TARGET
        parts.append(f"{label} max {worst:.1e} ({check['worst_param']})")
    verdict = "**met**" if known and all_met else ("**not met**" if known else "**not known**")
    out.append(f"- Estimates equal within 1e-4 relative: {verdict}: " + "; ".join(parts) + ".")
    return out


def notes(runs, compare):
    out = []
    for task, label in [("bgnbd", "BG/NBD"), ("gg", "Gamma-Gamma")] + pnbd_tasks(runs):
        check = (compare or {}).get(task)
        if not check or not check.get("ok"):
            continue
        ll = check["log_likelihood"]
        c = check["cva"]
        mz = check["lifetimes"].get("minimizer") or {}
        warnings = check["lifetimes"].get("warnings") or []
        customers = check["customers"]
        out.append(
            f"- {label}: cva on {customers['cva']:,} customers, lifetimes on {customers['lifetimes']:,}. "
            f"cva: {c.get('message')}; lifetimes: \"{mz.get('message', '?')}\" after "
            f"{mz.get('iterations', '?')} {'Nelder-Mead' if 'Nelder' in mz.get('method', '') else 'BFGS'} "
            f"iterations, {mz.get('function_evaluations', '?')} "
            f"evaluations. Log-likelihood: cva reports {ll['cva_reported']:.6f}, lifetimes "
            f"{ll['lifetimes_own']:.6f} (its `_negative_log_likelihood_` is "
            + ("a mean per customer, in time rescaled by 1 / max(T); turned into a total in weeks" if task == "bgnbd" else
               "a total, in time rescaled by 1 / max(T); turned into weeks"
               if task.startswith("pnbd") else "a mean per customer; turned into a total") +
            f"); lifetimes' own likelihood function is {ll['optimum_diff']:+.2e} "
            f"{'higher' if ll['optimum_diff'] >= 0 else 'lower'} at cva's estimates than at its own. "
            + ("lifetimes warnings: " + "; ".join(f"{w['warning']} (×{w['count']})" for w in warnings)
               if warnings else "No warning from lifetimes."))
    check = (compare or {}).get("predict")
    if check and check.get("ok"):
        d = check["differences"]
        nets = ", ".join(f"{k} {e['max_net_of_cva_print_rounding']:.1e}" for k, e in d.items()
                         if e.get("max_net_of_cva_print_rounding") is not None)
        worst = d.get("clv", {}).get("at")
        where = (f" The largest CLV difference is at customer {worst['customer_id']} (frequency "
                 f"{worst['frequency']}, CLV {worst['lifetimes']:.6g})." if worst else "")
        warnings = check.get("lifetimes_warnings") or []
        inf = check.get("lifetimes_inf") or {}
        out.append(
            f"- Scoring: lifetimes scored with cva's BG/NBD and Gamma-Gamma parameters, so the "
            f"differences come from the formulas and from cva's CSV, which keeps 10 digits "
            f"(integer digits included: 9 decimals below 1). Net of that rounding the largest "
            f"differences are: {nets}.{where} NaN in lifetimes' output: "
            + ", ".join(f"{k} {v}" for k, v in check["nan"]["lifetimes"].items())
            + "; infinite: " + (", ".join(f"{k} {v}" for k, v in inf.items()) or "n/a")
            + "; NaN or empty in cva's: " + ", ".join(f"{k} {v}" for k, v in check["nan"]["cva"].items())
            + ". " + ("lifetimes warnings: " + "; ".join(f"{w['warning']} (×{w['count']})" for w in warnings)
                      if warnings else "No warning from lifetimes."))
    for (task, contestant), rs in runs.items():
        out.append(f"- All runs, {task} / {contestant}: wall s "
                   + ", ".join(f"{r['wall']:.2f}" for r in rs)
                   + ("; in-process s " + ", ".join(seconds(r["inproc"]) for r in rs)
                      if any(r["inproc"] is not None for r in rs) else ""))
    return out


def build_section(meta, runs, compare):
    stats, rows = build(meta, runs, compare)
    customers = int(meta.get("customers", 0))
    out = [BEGIN, "## Models: BG/NBD, Gamma-Gamma and Pareto/NBD fits, per-customer scoring", ""]
    out.append(f"Written by `Benchmarks/models/run.sh` on {meta.get('date', 'unknown date')}. Re-run "
               "with `bash Benchmarks/models/run.sh` (environment: `N`, `RUNS`, `LIFETIMES_RUNS`, "
               "`CVA_BIN`; see the script's header).")
    out.append("")
    out.append(f"- Machine: {os.cpu_count()} cores (nproc {meta.get('nproc', '?')}), {cpu_model()}, "
               f"{memory_gib()} RAM, {platform.system()} {platform.release()}. **Load average (1, 5, "
               f"15 min) when the script started: {meta.get('loadavg', 'unknown')}**; at its end: "
               f"{meta.get('loadavg_end', 'unknown')}. The machine is shared: a load well above 0 "
               "means other work (builds) was using the 2 cores, so wall times are inflated and "
               "noisy; CPU seconds are disturbed less.")
    out.append(f"- Versions: cva {meta.get('cva_version', '?')} (binary {meta.get('cva_binary', '?')}, "
               f"tree at commit {meta.get('cva_commit', 'unknown')}; {meta.get('swift_version', '')}); "
               f"lifetimes {version('lifetimes')}; pandas {version('pandas')}; "
               f"numpy {version('numpy')}; scipy {version('scipy')}; autograd "
               f"{version('autograd')}; Python {platform.python_version()} (venv "
               "`.build/bench-venv`, pins in `Benchmarks/summary/requirements.txt`)")
    size = meta.get("summary_bytes")
    out.append(f"- Data: {customers:,} customers, {int(meta.get('transaction_rows', 0)):,} transaction "
               f"rows, from {meta.get('data_origin', 'unknown')}"
               + (f"; the summary CSV is {int(size) / 1e6:.0f} MB" if size else "") + ". Every "
               "contestant reads that same summary CSV.")
    out.append(
        "- Contestants: BG/NBD: `cva fit SUMMARY --model bgnbd --format json --save MODEL.json` | "
        "`BetaGeoFitter().fit(frequency, recency, T)` (`peer_bgnbd.py`). Gamma-Gamma: `cva fit "
        "SUMMARY --model gg --format json` | `GammaGammaFitter().fit(frequency, monetary_value)` on "
        "customers with frequency > 0 and monetary_value > 0 (`peer_gg.py`). Scoring: `cva predict "
        f"SUMMARY --model-file MODEL.json --spend-model gg --horizon {meta.get('horizon', 52)} "
        f"--clv-months {meta.get('clv_months', 12)} --discount-rate {meta.get('discount_rate', 0.01)} "
        "--format csv --out OUT.csv`, which fits Gamma-Gamma again inside (in the process time, not in the in-process scoring time) | "
        f"`conditional_probability_alive`, `conditional_expected_number_of_purchases_up_to_time("
        f"{meta.get('horizon', 52)}, ...)` and `GammaGammaFitter.customer_lifetime_value(bgf, ..., "
        f"time={meta.get('clv_months', 12)}, discount_rate={meta.get('discount_rate', 0.01)}, "
        "freq='W')` for all customers, with cva's fitted parameters, then `to_csv` "
        "(`peer_predict.py`; no fit inside). Pareto/NBD (own data sets of the sizes shown, same "
        "generator and seed): `cva fit SUMMARY --model pnbd --format json` | "
        "`ParetoNBDFitter().fit(frequency, recency, T)` (`peer_pnbd.py`; lifetimes' default "
        "Nelder-Mead from a random start, seeded).")
    out.append(
        f"- Measurement: {meta.get('runs', '?')} runs of each cva command, "
        f"{meta.get('lifetimes_runs', '?')} of each lifetimes script, interleaved, on the same file "
        "(in the page cache). Process: wall seconds (bash's clock around the run), peak RSS and CPU seconds "
        "(user + system) from GNU time, interpreter start-up, imports, reading the CSV and writing outputs included. "
        "In-process: for `cva fit` its own stderr line `fitted ... in S s` (the fit, reading the "
        "CSV excluded; printed to the millisecond); for lifetimes `time.perf_counter` around the "
        "fit call, or around the three scoring calls; for `cva predict` the `scoring` step of its "
        "`--timing` line (every customer's p_alive, expected purchases, spend, CLV and next purchase "
        "date; reading, the Gamma-Gamma fit and writing excluded). Medians "
        "shown. Ratios are lifetimes / cva: above 1 means cva is faster.")
    out.append(
        "- Agreement (`compare.py`, outputs of the last runs): relative difference |cva − "
        "lifetimes| / |lifetimes| of each parameter; log-likelihoods; for scoring, joined on "
        "customer_id, the max absolute difference of p_alive and expected purchases and the max "
        "relative difference of expected spend and CLV.")
    out.append("")
    out.append("Targets (from the issue) against these measurements:")
    out.append("")
    out += targets(stats, compare)
    out.append("")
    out.append(f"### {customers:,} customers")
    out.append("")
    out.append(markdown_table(HEADER, rows, ALIGNMENTS))
    out.append("")
    pnbd = pnbd_tasks(runs)
    if pnbd:
        _, pnbd_rows = build(meta, runs, compare, pnbd)
        out.append("### Pareto/NBD fit")
        out.append("")
        out.append(markdown_table(HEADER, pnbd_rows, ALIGNMENTS))
        out.append("")
        rows = rows + pnbd_rows
    out += notes(runs, compare)
    out.append(END)
    return "\n".join(out) + "\n", rows, stats


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n")[3])
    results_dir, markdown = sys.argv[1], sys.argv[2]
    meta = read_meta(os.path.join(results_dir, "meta.tsv"))
    runs = read_task_runs(os.path.join(results_dir, "runs.tsv"))
    if not runs:
        sys.exit("report.py: no runs were measured; BENCHMARKS.md left as it was")
    compare_path = os.path.join(results_dir, "compare.json")
    compare = json.load(open(compare_path)) if os.path.exists(compare_path) else None
    section, rows, stats = build_section(meta, runs, compare)
    print(f"load average when the script started: {meta.get('loadavg', 'unknown')}, at its end: "
          f"{meta.get('loadavg_end', 'unknown')} (well above 0: other work was running)")
    # The terminal table leaves out the agreement column.
    print(text_table(HEADER[:8], [row[:8] for row in rows]))
    print()
    print("\n".join(targets(stats, compare)))
    replace_section(markdown, section, BEGIN, END)
    print(f"\nwrote the models section of {markdown}")


if __name__ == "__main__":
    main()
