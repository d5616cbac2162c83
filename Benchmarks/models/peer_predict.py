#!/usr/bin/env python3
"""Peer: lifetimes' per-customer scoring with given BG/NBD and Gamma-Gamma parameters.

usage: peer_predict.py SUMMARY.csv BGNBD_MODEL.json GG_FIT.json OUT.csv OUT_TIMING.json

BGNBD_MODEL.json is a `cva fit --save` file, GG_FIT.json `cva fit --model gg --format json`
output: lifetimes scores with cva's parameters, so the comparison of the two outputs measures
the prediction formulas alone, not the (separately compared) fits. For every customer:
  conditional_probability_alive(frequency, recency, T)
  conditional_expected_number_of_purchases_up_to_time(52, frequency, recency, T)
  GammaGammaFitter.customer_lifetime_value(bgf, frequency, recency, T, monetary_value,
                                           time=12, discount_rate=0.01, freq='W')
each timed with time.perf_counter. OUT.csv: customer_id, p_alive, expected_purchases,
expected_spend (conditional_expected_average_profit, computed after the timed calls), clv.
"""
import json
import sys
import time

import numpy as np
import pandas as pd

from lifetimes_common import WarningLog, read_summary, write_json

HORIZON = 52
CLV_MONTHS = 12
DISCOUNT_RATE = 0.01


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__.split("\n")[2])
    source, bgnbd_file, gg_file, output, timing = sys.argv[1:]
    from lifetimes import BetaGeoFitter, GammaGammaFitter

    purchase = json.load(open(bgnbd_file))["purchase"]["parameters"]
    spend = json.load(open(gg_file))["parameters"]
    bgf = BetaGeoFitter()
    bgf.params_ = pd.Series([purchase[k] for k in ("r", "alpha", "a", "b")],
                            index=["r", "alpha", "a", "b"])
    bgf.predict = bgf.conditional_expected_number_of_purchases_up_to_time   # fit() sets this
    ggf = GammaGammaFitter()
    ggf.params_ = pd.Series([spend[k] for k in ("p", "q", "v")], index=["p", "q", "v"])

    summary = read_summary(source)
    f, r, T, m = summary["frequency"], summary["recency"], summary["T"], summary["monetary_value"]
    seconds = {}
    with WarningLog() as log:
        started = time.perf_counter()
        alive = bgf.conditional_probability_alive(f, r, T)
        seconds["conditional_probability_alive"] = time.perf_counter() - started
        started = time.perf_counter()
        expected = bgf.conditional_expected_number_of_purchases_up_to_time(HORIZON, f, r, T)
        seconds["conditional_expected_number_of_purchases_up_to_time"] = time.perf_counter() - started
        started = time.perf_counter()
        clv = ggf.customer_lifetime_value(bgf, f, r, T, m, time=CLV_MONTHS,
                                          discount_rate=DISCOUNT_RATE, freq="W")
        seconds["customer_lifetime_value"] = time.perf_counter() - started
    spend_value = ggf.conditional_expected_average_profit(f, m)
    out = pd.DataFrame({"customer_id": summary["customer_id"], "p_alive": np.asarray(alive),
                        "expected_purchases": np.asarray(expected),
                        "expected_spend": np.asarray(spend_value), "clv": np.asarray(clv)})
    out.to_csv(output, index=False, float_format="%.17g")
    nan = {c: int(out[c].isna().sum()) for c in ("p_alive", "expected_purchases", "expected_spend", "clv")}
    infinite = {c: int(np.isinf(out[c]).sum()) for c in ("p_alive", "expected_purchases", "expected_spend", "clv")}
    write_json(timing, {"tool": "lifetimes", "customers": int(len(out)), "seconds": seconds,
                        "scoring_seconds": sum(seconds.values()), "nan": nan, "inf": infinite,
                        "warnings": log.summary()})
    print(f"lifetimes scored {len(out)} customers in {sum(seconds.values()):.3f} s {seconds}; NaN {nan}")


if __name__ == "__main__":
    main()
