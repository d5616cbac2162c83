"""Shared by the lifetimes peers of the models benchmark: reading the summary CSV, recording
warnings, and catching what scipy's minimizer said inside lifetimes' fitters.

Nothing here is timed: each peer times only its core lifetimes call with time.perf_counter.
"""
import importlib
import json
import warnings

import pandas as pd

SUMMARY_COLUMNS = ["customer_id", "frequency", "recency", "T", "monetary_value"]


def read_summary(path):
    """The columns lifetimes needs from `cva summary --format csv` output, ids kept as strings."""
    return pd.read_csv(path, usecols=SUMMARY_COLUMNS,
                       dtype={"customer_id": str, "frequency": "int64", "recency": float,
                              "T": float, "monetary_value": float})


class MinimizerSpy:
    """Wraps MODULE.minimize (scipy.optimize.minimize as that lifetimes module imported it) to keep
    the result it returned: iterations, message, success. BetaGeoFitter and GammaGammaFitter call
    lifetimes.fitters.minimize; ParetoNBDFitter imports minimize into its own module,
    lifetimes.fitters.pareto_nbd_fitter. METHOD names the minimizer and its settings in the
    summary. The wrapper only stores a reference, so it adds nothing measurable to the timed fit."""

    def __init__(self, module="lifetimes.fitters", method="scipy.optimize.minimize default (BFGS), tol 1e-7"):
        self.module = importlib.import_module(module)
        self.original = self.module.minimize
        self.method = method
        self.results = []

        def spy(*args, **kwargs):
            result = self.original(*args, **kwargs)
            self.results.append(result)
            return result

        self.module.minimize = spy

    def summary(self):
        if not self.results:
            return None
        r = self.results[-1]
        return {"success": bool(r.success), "message": str(r.message),
                "iterations": int(getattr(r, "nit", -1)),
                "function_evaluations": int(getattr(r, "nfev", -1)),
                "method": self.method}


class WarningLog:
    """Records every warning raised inside the block (message -> count), without printing."""

    def __enter__(self):
        self.context = warnings.catch_warnings(record=True)
        self.caught = self.context.__enter__()
        warnings.simplefilter("always")
        return self

    def __exit__(self, *exc):
        self.context.__exit__(*exc)
        return False

    def summary(self):
        counts = {}
        for w in self.caught:
            key = f"{w.category.__name__}: {w.message}"
            counts[key] = counts.get(key, 0) + 1
        return [{"warning": k, "count": v} for k, v in sorted(counts.items())]


def write_json(path, payload):
    with open(path, "w") as handle:
        json.dump(payload, handle, indent=2, sort_keys=True)
        handle.write("\n")
