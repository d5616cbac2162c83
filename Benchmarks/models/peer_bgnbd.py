#!/usr/bin/env python3
"""Peer: lifetimes' BetaGeoFitter().fit(frequency, recency, T) on a summary CSV.

usage: peer_bgnbd.py SUMMARY.csv OUT.json

SUMMARY.csv is `cva summary --unit week --format csv` output (one row per customer, no
weights). OUT.json gets the parameters, lifetimes' own _negative_log_likelihood_ (a mean per
customer, in lifetimes' internally rescaled time), standard errors, what the minimizer said,
the warnings raised during the fit, and fit_seconds: time.perf_counter around the fit call
alone (reading the CSV excluded, as in cva's "fitted ... in S s").
"""
import sys
import time

from lifetimes_common import MinimizerSpy, WarningLog, read_summary, write_json


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n")[2])
    source, output = sys.argv[1], sys.argv[2]
    from lifetimes import BetaGeoFitter

    summary = read_summary(source)
    spy = MinimizerSpy()
    fitter = BetaGeoFitter()
    with WarningLog() as log:
        started = time.perf_counter()
        fitter.fit(summary["frequency"], summary["recency"], summary["T"])
        seconds = time.perf_counter() - started
    write_json(output, {
        "tool": "lifetimes", "model": "bgnbd", "customers": int(len(summary)),
        "parameters": {k: float(v) for k, v in fitter.params_.items()},
        "standard_errors": {k: float(v) for k, v in fitter.standard_errors_.items()},
        "negative_log_likelihood_": float(fitter._negative_log_likelihood_),
        "time_scale": float(fitter._scale),
        "minimizer": spy.summary(), "warnings": log.summary(), "fit_seconds": seconds,
    })
    print(f"lifetimes BetaGeoFitter on {len(summary)} customers in {seconds:.3f} s: "
          f"{dict(fitter.params_)}")


if __name__ == "__main__":
    main()
