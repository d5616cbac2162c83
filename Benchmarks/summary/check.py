#!/usr/bin/env python3
"""Compare customer summaries written by the contestants.

usage: check.py --out RESULT.json REFERENCE_NAME=PATH [NAME=PATH ...]

The first NAME=PATH is the reference (lifetimes when it ran: it is the definition of the
BTYD summary); every other output is compared with it, customer by customer, on
frequency, recency, T and monetary_value. All outputs have a `customer_id` column (cva and
DuckDB as a column, lifetimes as its index, which to_csv writes as the first column); other
columns (cva writes many more) are ignored.

Per candidate it records: customers in each file, customers missing on either side, the
maximum absolute difference of frequency / recency / T (must be 0) and the maximum relative
difference of monetary_value (reported; last-bit differences come from summing in another
order, and a tool that rounds to cents shows up here). The verdict is "ok" when the customer
sets are equal and frequency / recency / T agree exactly.
"""
import argparse
import json
import sys

import numpy as np
import pandas as pd

COLUMNS = ["customer_id", "frequency", "recency", "T", "monetary_value"]
EXACT = ["frequency", "recency", "T"]


def load(path):
    frame = pd.read_csv(path, usecols=COLUMNS, dtype={"customer_id": str})
    return frame.set_index("customer_id")


def compare(reference, candidate):
    both = reference.join(candidate, how="inner", lsuffix="_ref", rsuffix="_cand")
    result = {
        "customers": int(len(candidate)),
        "reference_customers": int(len(reference)),
        "missing": int(len(reference.index.difference(candidate.index))),
        "extra": int(len(candidate.index.difference(reference.index))),
        "duplicates": int(candidate.index.duplicated().sum()),
    }
    for column in EXACT:
        diff = (both[f"{column}_cand"] - both[f"{column}_ref"]).abs()
        # NaN (a value one side could not produce) counts as an infinite difference.
        result[f"max_abs_diff_{column}"] = float(diff.fillna(np.inf).max()) if len(diff) else 0.0
    ref_m = both["monetary_value_ref"].to_numpy(dtype=float)
    cand_m = both["monetary_value_cand"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.abs(cand_m - ref_m) / np.abs(ref_m)
    rel[(cand_m == ref_m)] = 0.0                 # covers 0 == 0 (customers with no repeats)
    rel[~np.isfinite(rel)] = np.inf              # NaN, or a non-zero value where 0 was due
    result["max_rel_diff_monetary_value"] = float(rel.max()) if rel.size else 0.0

    problems = []
    if result["missing"] or result["extra"] or result["duplicates"]:
        problems.append(f"customers differ (missing {result['missing']}, extra "
                        f"{result['extra']}, duplicated {result['duplicates']})")
    for column in EXACT:
        if result[f"max_abs_diff_{column}"] != 0:
            problems.append(f"{column} max abs diff {result[f'max_abs_diff_{column}']:g}")
    result["ok"] = not problems
    result["problems"] = problems
    return result


def main():
    parser = argparse.ArgumentParser(description="Compare customer summary CSVs.")
    parser.add_argument("--out", required=True, help="where to write the JSON result")
    parser.add_argument("outputs", nargs="+", metavar="NAME=PATH")
    args = parser.parse_args()
    named = [item.split("=", 1) for item in args.outputs]
    if any(len(pair) != 2 for pair in named):
        sys.exit("check.py: arguments must be NAME=PATH")

    (ref_name, ref_path), candidates = named[0], named[1:]
    reference = load(ref_path)
    report = {"reference": ref_name, "reference_customers": int(len(reference)),
              "candidates": {}}
    for name, path in candidates:
        try:
            report["candidates"][name] = compare(reference, load(path))
        except (ValueError, KeyError, OSError) as error:   # e.g. a missing column
            report["candidates"][name] = {"ok": False, "problems": [f"unreadable: {error}"]}

    with open(args.out, "w") as handle:
        json.dump(report, handle, indent=2)
    for name, result in report["candidates"].items():
        verdict = "ok" if result["ok"] else "FAIL: " + "; ".join(result["problems"])
        monetary = result.get("max_rel_diff_monetary_value")
        extra = "" if monetary is None else f", monetary_value max rel diff {monetary:.3g}"
        print(f"check: {name} vs {ref_name}: {verdict}{extra}")


if __name__ == "__main__":
    main()
