#!/usr/bin/env python3
"""Compare cva's fits and scores with lifetimes' on the same summary CSV.

usage: compare.py --out COMPARE.json --summary SUMMARY.csv --out-dir OUT_DIR

OUT_DIR holds the outputs of the last timed run of each contestant (run.sh's names):
  cva-bgnbd.json, lifetimes-bgnbd.json   BG/NBD fits
  cva-gg.json, lifetimes-gg.json         Gamma-Gamma fits
  cva-predict.csv, lifetimes-predict.csv, lifetimes-predict-timing.json   per-customer scores
  cva-pnbd-SIZE.json, lifetimes-pnbd-SIZE.json   Pareto/NBD fits, one pair per --pnbd SIZE=SUMMARY

Fits: relative difference of each parameter (|cva − lifetimes| / |lifetimes|) and of each standard
error; log-likelihoods three ways: cva's reported value, lifetimes' own `_negative_log_likelihood_`
turned into a total in the data's time unit (lifetimes stores a mean per customer and, for BG/NBD,
fits in time rescaled by 1 / max(T), which shifts the log-likelihood by Σ frequency · log(scale)),
and lifetimes' likelihood function evaluated in the data's unit at both parameter sets (which of
the two optima is higher, judged by the same function).
Scores: joined on customer_id; max absolute difference of p_alive and expected_purchases, max
relative difference of expected_spend and clv, NaN counts of both tools (an empty cell in cva's
CSV is NaN). lifetimes scored with cva's parameters, so these differences are the formulas'.
"""
import argparse
import json
import math
import os

import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter, ParetoNBDFitter

from lifetimes_common import read_summary

SCORE_COLUMNS = ["p_alive", "expected_purchases", "expected_spend", "clv"]
ABSOLUTE = {"p_alive", "expected_purchases"}
PARAMETER_ORDER = {"bgnbd": ["r", "alpha", "a", "b"], "gg": ["p", "q", "v"], "pnbd": ["r", "alpha", "s", "beta"]}


def load(path):
    return json.load(open(path)) if os.path.exists(path) else None


def relative(a, b):
    if a == b:
        return 0.0
    return abs(a - b) / abs(b) if b != 0 else math.inf


def compare_fit(model, cva, peer, summary):
    if cva is None or peer is None:
        return {"ok": False, "problem": "missing output: " + ", ".join(
            name for name, fit in (("cva", cva), ("lifetimes", peer)) if fit is None)}
    names = PARAMETER_ORDER[model]   # the order of lifetimes' log_params (the JSON keys are sorted)
    param_rel = {k: relative(cva["parameters"][k], peer["parameters"][k]) for k in names}
    se_rel = {k: relative(cva["standard_errors"][k], peer["standard_errors"][k])
              for k in names if cva.get("standard_errors", {}).get(k) is not None
              and peer.get("standard_errors", {}).get(k) is not None}
    if model == "pnbd":
        # ParetoNBDFitter's function takes the parameters themselves (not logs) and returns a
        # total; lifetimes fitted in time scaled by s = 1 / max(T), which shifts the
        # log-likelihood by Σx·log(s), as for BG/NBD.
        f = summary["frequency"].to_numpy().astype(int)
        args = (f, summary["recency"].to_numpy(), summary["T"].to_numpy(), np.ones_like(f), 0.0)
        peer_own = -peer["negative_log_likelihood_"] + f.sum() * math.log(peer["time_scale"])
        at = lambda params: -float(ParetoNBDFitter._negative_log_likelihood(  # noqa: E731
            [params[k] for k in names], *args))
    elif model == "bgnbd":
        f = summary["frequency"].to_numpy().astype(int)
        args = (f, summary["recency"].to_numpy(), summary["T"].to_numpy(), np.ones_like(f), 0.0)
        nll = BetaGeoFitter._negative_log_likelihood
        n = len(f)
        # lifetimes fitted in time scaled by s = 1 / max(T): LL(unit) = LL(scaled) + Σx·log(s).
        peer_own = -peer["negative_log_likelihood_"] * n + f.sum() * math.log(peer["time_scale"])
    else:
        repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
        f = repeat["frequency"].to_numpy().astype(float)
        args = (f, repeat["monetary_value"].to_numpy(), np.ones_like(f), 0.0)
        nll = GammaGammaFitter._negative_log_likelihood
        n = len(f)
        peer_own = -peer["negative_log_likelihood_"] * n
    if model != "pnbd":
        at = lambda params: -float(nll(np.log([params[k] for k in names]), *args)) * n  # noqa: E731
    ll_fn_cva, ll_fn_peer = at(cva["parameters"]), at(peer["parameters"])
    worst = max(param_rel, key=param_rel.get)
    return {
        "ok": True, "customers": {"cva": cva.get("customers"), "lifetimes": peer.get("customers")},
        "parameters": {"cva": cva["parameters"], "lifetimes": peer["parameters"]},
        "param_rel_diff": param_rel, "max_param_rel_diff": param_rel[worst], "worst_param": worst,
        "se_rel_diff": se_rel, "max_se_rel_diff": max(se_rel.values()) if se_rel else None,
        "log_likelihood": {
            "cva_reported": cva["log_likelihood"], "lifetimes_own": peer_own,
            "lifetimes_fn_at_cva": ll_fn_cva, "lifetimes_fn_at_lifetimes": ll_fn_peer,
            "reported_diff": cva["log_likelihood"] - peer_own,
            "optimum_diff": ll_fn_cva - ll_fn_peer},
        "cva": {"converged": cva.get("converged"), "iterations": cva.get("iterations"),
                "message": cva.get("message")},
        "lifetimes": {"minimizer": peer.get("minimizer"), "warnings": peer.get("warnings")},
    }


def print_half_unit(values):
    """Half a unit in the last digit cva prints (Output.swift NumberFormatting: 10 digits in
    all for 1e-4 ≤ |v| < 1e15, whole numbers without decimals, shortest round-trip otherwise)."""
    magnitude = np.abs(values)
    with np.errstate(divide="ignore", invalid="ignore"):
        integer_digits = np.maximum(1, np.floor(np.log10(np.where(magnitude > 0, magnitude, 1))) + 1)
    decimals = np.maximum(0, 10 - integer_digits)
    half = 0.5 * 10.0 ** (-decimals)
    shortest = (magnitude < 1e-4) | (magnitude >= 1e15)
    # A whole number printed may be a value rounded to it, so it keeps the half unit of its size.
    return np.where(shortest, 1e-16 * magnitude, half)


def compare_scores(cva_path, peer_path, timing, summary):
    if not (os.path.exists(cva_path) and os.path.exists(peer_path)):
        return {"ok": False, "problem": "missing output: " + ", ".join(
            p for p in (cva_path, peer_path) if not os.path.exists(p))}
    cva = pd.read_csv(cva_path, dtype={"customer_id": str}, usecols=["customer_id"] + SCORE_COLUMNS)
    peer = pd.read_csv(peer_path, dtype={"customer_id": str}, usecols=["customer_id"] + SCORE_COLUMNS)
    joined = cva.merge(peer, on="customer_id", how="outer", suffixes=("_cva", "_lt"), indicator=True)
    only_cva = int((joined["_merge"] == "left_only").sum())
    only_peer = int((joined["_merge"] == "right_only").sum())
    both = joined[joined["_merge"] == "both"].merge(summary, on="customer_id", how="left")
    result = {"ok": True, "customers": int(len(both)), "only_cva": only_cva, "only_lifetimes": only_peer,
              "nan": {"cva": {c: int(cva[c].isna().sum()) for c in SCORE_COLUMNS},
                      "lifetimes": {c: int(peer[c].isna().sum()) for c in SCORE_COLUMNS}},
              "differences": {}}
    for column in SCORE_COLUMNS:
        a, b = both[f"{column}_cva"].to_numpy(), both[f"{column}_lt"].to_numpy()
        finite = np.isfinite(a) & np.isfinite(b)
        if column in ABSOLUTE:
            diff = np.abs(a - b)
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                diff = np.where(a == b, 0.0, np.abs(a - b) / np.abs(b))
        diff = np.where(finite, diff, np.nan)
        # cva's CSV keeps 10 digits, integer digits included (9 decimals below 1, so a CLV of
        # 0.0001 keeps 6 significant digits): a difference up to half its last digit is rounding.
        net = np.maximum(0.0, np.abs(a - b) - print_half_unit(a) * (1 + 1e-9))
        if column not in ABSOLUTE:
            with np.errstate(divide="ignore", invalid="ignore"):
                net = np.where(net == 0, 0.0, net / np.abs(b))
        net = np.where(finite, net, np.nan)
        entry = {"kind": "abs" if column in ABSOLUTE else "rel", "compared": int(finite.sum()),
                 "max_net_of_cva_print_rounding": float(np.nanmax(net)) if finite.any() else None,
                 "max_abs": float(np.nanmax(np.where(finite, np.abs(a - b), np.nan))) if finite.any() else None}
        if finite.any():
            i = int(np.nanargmax(diff))
            entry.update({"max": float(diff[i]), "at": {
                "customer_id": both["customer_id"].iloc[i], "cva": float(a[i]), "lifetimes": float(b[i]),
                "frequency": int(both["frequency"].iloc[i]), "recency": float(both["recency"].iloc[i]),
                "T": float(both["T"].iloc[i])}})
        result["differences"][column] = entry
    if timing:
        result["lifetimes_warnings"] = timing.get("warnings", [])
        result["lifetimes_inf"] = timing.get("inf", {})
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--summary", required=True)
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--pnbd", action="append", default=[], metavar="SIZE=SUMMARY",
                        help="a Pareto/NBD comparison: its data set size and summary CSV")
    args = parser.parse_args()
    summary = read_summary(args.summary)
    d = args.out_dir
    report = {
        "bgnbd": compare_fit("bgnbd", load(f"{d}/cva-bgnbd.json"), load(f"{d}/lifetimes-bgnbd.json"), summary),
        "gg": compare_fit("gg", load(f"{d}/cva-gg.json"), load(f"{d}/lifetimes-gg.json"), summary),
        "predict": compare_scores(f"{d}/cva-predict.csv", f"{d}/lifetimes-predict.csv",
                                  load(f"{d}/lifetimes-predict-timing.json"), summary),
    }
    for pair in args.pnbd:
        size, path = pair.split("=", 1)
        report[f"pnbd-{size}"] = compare_fit("pnbd", load(f"{d}/cva-pnbd-{size}.json"),
                                             load(f"{d}/lifetimes-pnbd-{size}.json"), read_summary(path))
    with open(args.out, "w") as handle:
        json.dump(report, handle, indent=2, default=float)
        handle.write("\n")
    for task in ["bgnbd", "gg"] + [k for k in report if k.startswith("pnbd-")]:
        r = report[task]
        if r["ok"]:
            ll = r["log_likelihood"]
            print(f"  {task}: max parameter rel diff {r['max_param_rel_diff']:.2e} ({r['worst_param']}); "
                  f"log-likelihood cva {ll['cva_reported']:.4f}, lifetimes {ll['lifetimes_own']:.4f} "
                  f"(diff {ll['reported_diff']:+.2e}); lifetimes' function at cva − at lifetimes "
                  f"{ll['optimum_diff']:+.2e}")
        else:
            print(f"  {task}: {r['problem']}")
    p = report["predict"]
    if p["ok"]:
        diffs = ", ".join(f"{c} max {e['kind']} diff {e.get('max', float('nan')):.2e} "
                          f"({e.get('max_net_of_cva_print_rounding', float('nan')):.1e} net of cva's rounding)"
                          for c, e in p["differences"].items())
        print(f"  predict: {p['customers']} customers joined; {diffs}; NaN cva {p['nan']['cva']}, "
              f"lifetimes {p['nan']['lifetimes']}")
    else:
        print(f"  predict: {p['problem']}")


if __name__ == "__main__":
    main()
