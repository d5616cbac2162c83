#!/usr/bin/env python3
"""Write the cluster benchmark's matrix: N rows of a 10-dimensional Gaussian mixture with 8
components (seeded), as a CSV with a header x1..x10 and 6 significant digits.

usage: make_data.py N SEED OUT.csv

Component centres are uniform in [-5, 5]^10, each with its own per-axis standard deviation
in [2, 5], and weights from a Dirichlet(2, ..., 2): overlapping enough that k-means has work
to do and restarts matter, separated enough that the planted structure is visible.
"""
import sys

import numpy as np


def main():
    n, seed, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    rng = np.random.default_rng(seed)
    d, k = 10, 8
    centres = rng.uniform(-5, 5, size=(k, d))
    spreads = rng.uniform(2, 5, size=(k, d))
    weights = rng.dirichlet(np.full(k, 2.0))
    component = rng.choice(k, size=n, p=weights)
    x = centres[component] + spreads[component] * rng.standard_normal((n, d))
    header = ",".join(f"x{j + 1}" for j in range(d))
    np.savetxt(out, x, fmt="%.6g", delimiter=",", header=header, comments="")


if __name__ == "__main__":
    main()
