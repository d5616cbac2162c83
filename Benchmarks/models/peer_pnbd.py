#!/usr/bin/env python3
"""Peer: lifetimes' ParetoNBDFitter().fit(frequency, recency, T) on a summary CSV.

usage: peer_pnbd.py SUMMARY.csv OUT.json

SUMMARY.csv is `cva summary --unit week --format csv` output. OUT.json gets the parameters,
lifetimes' own _negative_log_likelihood_ (a total, in lifetimes' internally rescaled time),
what the minimizer said (lifetimes' default: Nelder-Mead from a random start near 1, seeded
here with numpy.random.seed(0) so runs repeat), the warnings raised during the fit, and
fit_seconds: time.perf_counter around the fit call alone (reading the CSV excluded, as in
cva's "fitted ... in S s"). lifetimes computes no standard errors for this model.
"""
import sys
import time

import numpy as np

from lifetimes_common import MinimizerSpy, WarningLog, read_summary, write_json


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n")[2])
    source, output = sys.argv[1], sys.argv[2]
    from lifetimes import ParetoNBDFitter

    summary = read_summary(source)
    # ParetoNBDFitter calls the minimize imported into its own module.
    spy = MinimizerSpy("lifetimes.fitters.pareto_nbd_fitter",
                       "scipy.optimize.minimize Nelder-Mead (lifetimes' default), tol 1e-6, maxiter 2000")
    fitter = ParetoNBDFitter()
    np.random.seed(0)
    with WarningLog() as log:
        started = time.perf_counter()
        fitter.fit(summary["frequency"], summary["recency"], summary["T"])
        seconds = time.perf_counter() - started
    write_json(output, {
        "tool": "lifetimes", "model": "pnbd", "customers": int(len(summary)),
        "parameters": {k: float(v) for k, v in fitter.params_.items()},
        "standard_errors": {},
        "negative_log_likelihood_": float(fitter._negative_log_likelihood_),
        "time_scale": float(fitter._scale),
        "minimizer": spy.summary(), "warnings": log.summary(), "fit_seconds": seconds,
    })
    print(f"lifetimes ParetoNBDFitter on {len(summary)} customers in {seconds:.3f} s: "
          f"{dict(fitter.params_)}")


if __name__ == "__main__":
    main()
