"""A seeded churn feature matrix with a planted signal, until `cva churn --export-features` lands.

usage: make_matrix.py --rows N --seed S --out matrix.csv

Columns: customer_id, f00..f29, label, split (train 70% / validation 10% / test 20%).
The true logit mixes linear terms, a threshold, a saturating curve and an interaction, so the
trees have something to find beyond the logistic model; 12 columns are pure noise.
"""
import argparse

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    n = args.rows
    x = np.empty((n, 30))
    x[:, 0:10] = rng.standard_normal((n, 10))
    x[:, 10:14] = rng.poisson(3.0, (n, 4))                 # counts (purchases, tickets, ...)
    x[:, 14:18] = rng.exponential(30.0, (n, 4)).round(0)   # days since ...
    x[:, 18] = rng.integers(0, 2, n)                       # a flag
    x[:, 19:30] = rng.uniform(0, 1, (n, 11))
    logit = (-1.2 + 0.8 * x[:, 0] - 0.6 * x[:, 1] + 0.4 * x[:, 2] + 0.3 * x[:, 3]
             - 0.25 * x[:, 10] + 0.02 * x[:, 14]
             + 1.0 * (x[:, 4] > 0.5) + 0.8 * np.tanh(x[:, 5]) * x[:, 18]
             + 0.7 * x[:, 6] * x[:, 7] - 0.5 * (x[:, 15] > 60))
    label = (rng.uniform(0, 1, n) < 1 / (1 + np.exp(-logit))).astype(int)
    u = rng.uniform(0, 1, n)
    split = np.where(u < 0.7, "train", np.where(u < 0.8, "validation", "test"))
    with open(args.out, "w") as f:
        f.write("customer_id," + ",".join(f"f{j:02d}" for j in range(30)) + ",label,split\n")
        fmt = ",".join(["%.6g"] * 30)
        for i in range(n):
            f.write(f"c{i}," + fmt % tuple(x[i]) + f",{label[i]},{split[i]}\n")


if __name__ == "__main__":
    main()
