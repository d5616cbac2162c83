#!/usr/bin/env python3
"""Peer: lifetimes' GammaGammaFitter().fit(frequency, monetary_value) on a summary CSV.

usage: peer_gg.py SUMMARY.csv OUT.json

Fitted, as lifetimes' documentation does, on the customers with frequency > 0 and
monetary_value > 0. OUT.json as peer_bgnbd.py's; fit_seconds times the fit call alone (reading
the CSV and selecting the rows excluded).
"""
import sys
import time

from lifetimes_common import MinimizerSpy, WarningLog, read_summary, write_json


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n")[2])
    source, output = sys.argv[1], sys.argv[2]
    from lifetimes import GammaGammaFitter

    summary = read_summary(source)
    repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    spy = MinimizerSpy()
    fitter = GammaGammaFitter()
    with WarningLog() as log:
        started = time.perf_counter()
        fitter.fit(repeat["frequency"], repeat["monetary_value"])
        seconds = time.perf_counter() - started
    write_json(output, {
        "tool": "lifetimes", "model": "gg", "customers": int(len(repeat)),
        "parameters": {k: float(v) for k, v in fitter.params_.items()},
        "standard_errors": {k: float(v) for k, v in fitter.standard_errors_.items()},
        "negative_log_likelihood_": float(fitter._negative_log_likelihood_),
        "minimizer": spy.summary(), "warnings": log.summary(), "fit_seconds": seconds,
    })
    print(f"lifetimes GammaGammaFitter on {len(repeat)} customers in {seconds:.3f} s: "
          f"{dict(fitter.params_)}")


if __name__ == "__main__":
    main()
