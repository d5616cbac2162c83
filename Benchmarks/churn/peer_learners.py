"""The peers of `cva churn-train`: scikit-learn's LogisticRegression and LightGBM.

usage: peer_learners.py MATRIX.csv logistic|lightgbm THREADS

Reads the matrix (customer_id, features..., label, split), trains on split=train (LightGBM
stops early on split=validation), and prints one JSON line: model, auc (test), training_seconds
and training_cpu_seconds (the fit alone, as `cva churn-train` reports them), best_iteration.
Settings mirror cva's defaults: logistic C = 1 on standardised features (cva: l2 = 1, which
penalises the standardised weights); trees 300, learning rate 0.1, depth 6 (up to 64 leaves),
20 rows per leaf, lambda 1, 255 bins, early stopping after 20 rounds on the validation log-loss.
"""
import json
import sys
import time

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score


def main():
    path, model, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
    frame = pd.read_csv(path, dtype={"customer_id": str, "split": str})
    features = [c for c in frame.columns if c not in ("customer_id", "label", "split")]
    x = frame[features].to_numpy(dtype=np.float64)
    y = frame["label"].to_numpy()
    split = frame["split"].to_numpy()
    train, valid, test = split == "train", split == "validation", split == "test"
    best = None
    if model == "logistic":
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler
        start, cpu_start = time.perf_counter(), time.process_time()
        fitted = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, solver="lbfgs", max_iter=1000, tol=1e-6))
        fitted.fit(x[train], y[train])
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        scores = fitted.predict_proba(x[test])[:, 1]
    elif model == "lightgbm":
        import lightgbm as lgb
        params = dict(objective="binary", learning_rate=0.1, num_leaves=64, max_depth=6, min_data_in_leaf=20,
                      lambda_l2=1.0, max_bin=255, num_threads=threads, verbose=-1, seed=42, deterministic=True,
                      force_row_wise=True)
        start, cpu_start = time.perf_counter(), time.process_time()
        data = lgb.Dataset(x[train], label=y[train])
        stop = lgb.Dataset(x[valid], label=y[valid], reference=data) if valid.any() else None
        booster = lgb.train(params, data, num_boost_round=300, valid_sets=[stop] if stop is not None else [],
                            callbacks=[lgb.early_stopping(20, verbose=False)] if stop is not None else [])
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        best = booster.best_iteration or booster.current_iteration()
        scores = booster.predict(x[test], num_iteration=best)
    else:
        sys.exit(f"unknown model {model}")
    print(json.dumps({"model": model, "auc": roc_auc_score(y[test], scores), "training_seconds": seconds, "training_cpu_seconds": cpu,
                      "best_iteration": best}))


if __name__ == "__main__":
    main()
