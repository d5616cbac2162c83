#!/usr/bin/env python3
"""Stand-in transaction generator for the summary benchmark.

Used by run.sh ONLY when the `cva` binary is missing; the real benchmark data comes from
`cva generate --customers N --seed 42 --out DIR --only transactions`.

Writes DIR/transactions.csv in the same format:

    order_id,customer_id,date,amount,category,channel

one header row, dates yyyy-MM-dd, rows sorted by date, about 2.7 rows per customer over a
546-day window, customer ids C0000001, C0000002, ...

The purchase process is BG/NBD-like (Fader, Hardie & Lee 2005): each customer has a Poisson
purchase rate lambda ~ Gamma(r, alpha) and, after every purchase, drops out with probability
p ~ Beta(a, b). Customers are acquired uniformly over the first two thirds of the window and
make their first purchase on the day they are acquired. Each purchase has 1 + Geometric extra
order lines on the same day, so the same-day merging of the summary is exercised.
Amounts follow a Gamma-Gamma-like spend model (per-customer mean spend varies).

Everything is vectorised with numpy, so 1 M customers take a few seconds.
"""
import argparse
import os
import sys
import time

import duckdb
import numpy as np
import pandas as pd

WINDOW_DAYS = 546                       # first day .. last day inclusive
START = np.datetime64("2023-01-01")
ACQUISITION_DAYS = 364                  # customers join during the first year

# BG/NBD population parameters (rate per day); tuned for ~2.7 rows per customer.
R, ALPHA = 0.6, 110.0                   # mean rate 0.0055/day, one purchase per ~180 days
A, B = 0.7, 2.8                         # mean dropout probability 0.2 after each purchase
EXTRA_LINE_P = 0.8                      # P(stop adding lines) -> mean 1.25 lines per purchase

CATEGORIES = np.array(["electronics", "books", "clothing", "home", "beauty",
                       "sports", "toys", "grocery"])
CHANNELS = np.array(["online", "store", "app"])


def simulate_purchases(n_customers, rng):
    """Return (customer_index, day) arrays of purchase events (one event = one purchase day)."""
    birth = rng.integers(0, ACQUISITION_DAYS, size=n_customers)
    lam = rng.gamma(R, 1.0 / ALPHA, size=n_customers)
    p = rng.beta(A, B, size=n_customers)

    cust_parts = [np.arange(n_customers)]
    day_parts = [birth]
    # Walk the purchase process for all still-active customers at once; each loop step is one
    # further purchase, so the loop runs as often as the most active customer buys.
    active = np.arange(n_customers)
    t = birth.astype(np.float64)
    while active.size:
        # Drop out after the previous purchase?
        alive = rng.random(active.size) >= p[active]
        active, t = active[alive], t[alive]
        # Time to next purchase.
        t = t + rng.exponential(1.0, size=active.size) / lam[active]
        inside = t < WINDOW_DAYS
        active, t = active[inside], t[inside]
        cust_parts.append(active)
        day_parts.append(np.floor(t).astype(np.int64))
    return np.concatenate(cust_parts), np.concatenate(day_parts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", required=True, help="output folder (transactions.csv goes there)")
    args = ap.parse_args()

    started = time.time()
    rng = np.random.default_rng(args.seed)
    n = args.customers

    cust, day = simulate_purchases(n, rng)

    # Order lines: each purchase becomes Geometric(EXTRA_LINE_P) >= 1 rows on the same day.
    lines = rng.geometric(EXTRA_LINE_P, size=cust.size)
    cust, day = np.repeat(cust, lines), np.repeat(day, lines)

    # Spend: per-customer mean ~ Gamma, per-line amount ~ Gamma around it.
    cust_mean = rng.gamma(3.0, 20.0, size=n) + 5.0
    amount = rng.gamma(4.0, cust_mean[cust] / 4.0)

    # Sort by date; a random tie-breaker so one day's rows are not grouped by customer.
    order = np.lexsort((rng.random(cust.size), day))
    cust, day, amount = cust[order], day[order], amount[order]
    rows = cust.size

    # Writing text with pandas takes ~20 s per million customers, so DuckDB (already in the
    # benchmark venv) formats and writes the CSV from the numeric columns; it keeps row order.
    width = max(7, len(str(n)))
    columns = pd.DataFrame({  # noqa: F841 - read by the SQL below through DuckDB's replacement scan
        "oid": np.arange(1, rows + 1, dtype=np.int64),
        "cust": (cust + 1).astype(np.int64),
        "day": day.astype(np.int32),
        "cents": np.maximum(np.round(amount * 100), 1).astype(np.int64),
        "cat": rng.integers(0, CATEGORIES.size, size=rows).astype(np.int32),
        "chan": rng.integers(0, CHANNELS.size, size=rows).astype(np.int32),
    })
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "transactions.csv")
    tmp = path + ".tmp"
    categories = ", ".join(f"'{c}'" for c in CATEGORIES)
    channels = ", ".join(f"'{c}'" for c in CHANNELS)
    con = duckdb.connect()
    con.execute(f"""
        COPY (
            SELECT printf('O%09d', oid) AS order_id,
                   printf('C%0{width}d', cust) AS customer_id,
                   strftime(DATE '{START}' + day, '%Y-%m-%d') AS date,
                   printf('%d.%02d', cents // 100, cents % 100) AS amount,
                   ([{categories}])[cat + 1] AS category,
                   ([{channels}])[chan + 1] AS channel
            FROM columns
        ) TO '{tmp}' (FORMAT csv, HEADER, QUOTE '')
    """)
    os.replace(tmp, path)   # never leave a half-written file that looks complete
    print(f"make_data.py: {n} customers, {rows} rows ({rows / n:.2f}/customer) -> {path} "
          f"in {time.time() - started:.1f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
