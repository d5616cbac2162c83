#!/usr/bin/env python3
"""scikit-learn's KMeans on the benchmark matrix, with cva's settings.

usage: peer_sklearn.py MATRIX.csv K N_INIT MAX_ITER TOL SEED OUT.json

Reads the CSV with pandas (C parser), then times KMeans(n_clusters=K, init="k-means++",
n_init=N_INIT, max_iter=MAX_ITER, tol=TOL, algorithm="lloyd", random_state=SEED).fit(X) with
time.perf_counter. scikit-learn's tol is relative to the mean column variance and its k-means++
is the greedy variant with 2 + ln k candidates, as cva's. OpenMP uses every core (2 here).
"""
import json
import sys
import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_info


def main():
    path, k, n_init, max_iter, tol, seed, out = sys.argv[1:8]
    t0 = time.perf_counter()
    x = np.ascontiguousarray(pd.read_csv(path, dtype=np.float64).to_numpy())
    t1 = time.perf_counter()
    model = KMeans(n_clusters=int(k), init="k-means++", n_init=int(n_init), max_iter=int(max_iter),
                   tol=float(tol), algorithm="lloyd", random_state=int(seed))
    model.fit(x)
    t2 = time.perf_counter()
    sizes = np.bincount(model.labels_, minlength=int(k)).tolist()
    with open(out, "w") as handle:
        json.dump({"read_seconds": t1 - t0, "fit_seconds": t2 - t1, "inertia": float(model.inertia_),
                   "n_iter": int(model.n_iter_), "sizes": sorted(sizes, reverse=True), "n": int(x.shape[0]),
                   "d": int(x.shape[1]), "sklearn": sklearn.__version__,
                   "threadpools": [{k: v for k, v in p.items() if k in ("internal_api", "num_threads", "version")}
                                   for p in threadpool_info()]}, handle, indent=1)


if __name__ == "__main__":
    main()
