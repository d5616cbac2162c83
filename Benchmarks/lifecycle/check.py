#!/usr/bin/env python3
"""Compares the lifecycle outputs of cva and its peers cell by cell.

usage: check.py --task cohorts|kpis --out CHECK.json NAME=OUT.csv ...

The first NAME is the reference. Cohorts: the cohort sizes must be equal, and every cell with
activity must have the same active_customers and revenue (relative 1e-9); cva also prints the
cells without activity (0) and empty future cells, which the peers leave out. KPIs: per month,
active, new, returning, reactivated, churned customers and orders equal, repeat customers equal
(cva: round(repurchase_rate x active_customers)), revenue within relative 1e-9.
"""
import csv
import json
import sys


def rows(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def close(a, b):
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def cohort_cells(path):
    cells, sizes = {}, {}
    for r in rows(path):
        sizes[r["cohort"]] = int(r["cohort_size"])
        if r["active_customers"] not in ("", "0"):
            cells[(r["cohort"], int(r["period_index"]))] = (int(r["active_customers"]), float(r["revenue"]))
    sizes = {k: v for k, v in sizes.items() if v > 0}
    return sizes, cells


def compare_cohorts(ref, other):
    sizes_a, cells_a = cohort_cells(ref)
    sizes_b, cells_b = cohort_cells(other)
    if sizes_a != sizes_b:
        return f"MISMATCH: cohort sizes differ ({len(sizes_a)} vs {len(sizes_b)} cohorts)"
    if cells_a.keys() != cells_b.keys():
        return f"MISMATCH: {len(cells_a.keys() ^ cells_b.keys())} cells present in one output only"
    bad = [k for k in cells_a if cells_a[k][0] != cells_b[k][0] or not close(cells_a[k][1], cells_b[k][1])]
    if bad:
        return f"MISMATCH: {len(bad)} cells differ, e.g. {bad[0]}: {cells_a[bad[0]]} vs {cells_b[bad[0]]}"
    return f"ok: {len(sizes_a)} cohorts ({sum(sizes_a.values()):,} customers), {len(cells_a)} active cells equal"


COUNTS = ["active_customers", "new_customers", "returning_customers", "reactivated_customers",
          "churned_customers", "orders"]


def kpi_rows(path):
    out = {}
    for r in rows(path):
        values = {k: int(float(r[k])) for k in COUNTS}
        if "repeat_customers" in r:
            values["repeat_customers"] = int(float(r["repeat_customers"]))
        else:
            rate = float(r["repurchase_rate"]) if r["repurchase_rate"] else 0.0
            values["repeat_customers"] = round(rate * values["active_customers"])
        values["revenue"] = float(r["revenue"])
        out[r["period"]] = values
    return out


def compare_kpis(ref, other):
    a, b = kpi_rows(ref), kpi_rows(other)
    if a.keys() != b.keys():
        return f"MISMATCH: periods differ ({len(a)} vs {len(b)})"
    for period in a:
        for key in COUNTS + ["repeat_customers"]:
            if a[period][key] != b[period][key]:
                return f"MISMATCH: {period} {key} {a[period][key]} vs {b[period][key]}"
        if not close(a[period]["revenue"], b[period]["revenue"]):
            return f"MISMATCH: {period} revenue {a[period]['revenue']} vs {b[period]['revenue']}"
    return f"ok: {len(a)} months, all counts equal, revenue within 1e-9"


def main():
    args = sys.argv[1:]
    if len(args) < 6 or args[0] != "--task" or args[2] != "--out":
        sys.exit(__doc__.split("\n")[2])
    task, out = args[1], args[3]
    named = [a.split("=", 1) for a in args[4:]]
    reference = named[0]
    result = {reference[0]: "reference"}
    for name, path in named[1:]:
        result[name] = (compare_cohorts if task == "cohorts" else compare_kpis)(reference[1], path)
        print(f"  {task}: {name} vs {reference[0]}: {result[name]}")
    json.dump(result, open(out, "w"), indent=1)


if __name__ == "__main__":
    main()
