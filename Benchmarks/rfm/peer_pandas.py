"""The RFM peer: pandas reads the transactions, builds R, F, M per customer, then scores them
the way RFM tutorials do it with pandas (qcut into quintiles), and adds the same classifications
cva makes: weighted normalised score and tiers, the Chinese eight-class model (each dimension
against its mean), the value matrix (F and average order value against their medians) and ABC
classes (cumulative revenue share 80% / 95%).

usage: peer_pandas.py TRANSACTIONS.csv OUT.csv
Prints "timing: read X s, summary Y s, classify Z s, output W s" on stderr, as `cva rfm --timing`.
"""
import sys
import time

import numpy as np
import pandas as pd


def main(path, out):
    clock = time.perf_counter()
    steps = []

    def step(name):
        nonlocal clock
        now = time.perf_counter()
        steps.append(f"{name} {now - clock:.3f} s")
        clock = now

    df = pd.read_csv(path, usecols=["order_id", "customer_id", "date", "amount"], parse_dates=["date"],
                     dtype={"customer_id": str, "order_id": str})
    step("read")
    end = df["date"].max()
    window = df[df["date"] > end - pd.Timedelta(days=365)]
    by = df.groupby("customer_id", sort=False)
    last = by["date"].max()
    customers = last.index
    recency = (end - last).dt.days.astype(float)
    frequency = window.groupby("customer_id", sort=False)["order_id"].nunique().reindex(customers, fill_value=0).astype(float)
    monetary = window.groupby("customer_id", sort=False)["amount"].sum().reindex(customers, fill_value=0.0)
    orders = by["order_id"].nunique()
    spend = by["amount"].sum()
    step("summary")

    def quintile(x, reverse=False):
        bins = pd.qcut(x, 5, labels=False, duplicates="drop").astype(int) + 1
        top = int(bins.max())
        return (top + 1 - bins) if reverse else bins

    r = quintile(recency, reverse=True)
    f = quintile(frequency)
    m = quintile(monetary)
    rfm_score = r.astype(str) + f.astype(str) + m.astype(str)

    def minmax(x):
        span = x.max() - x.min()
        return (x - x.min()) / span if span > 0 else pd.Series(0.5, index=x.index)

    weighted = 0.3 * (1 - minmax(recency)) + 0.4 * minmax(frequency) + 0.3 * minmax(monetary)
    tier = np.select([weighted >= 0.8, weighted >= 0.5], ["high value", "potential"], "churn risk")
    high_r = recency < recency.mean()
    high_f = frequency > frequency.mean()
    high_m = monetary > monetary.mean()
    names = np.array(["一般挽留客户", "一般保持客户", "一般发展客户", "一般价值客户",
                      "重要挽留客户", "重要保持客户", "重要发展客户", "重要价值客户"])
    segment = names[(high_m.to_numpy() * 4 + high_r.to_numpy() * 2 + high_f.to_numpy()).astype(int)]
    aov = (spend / orders.where(orders > 0)).fillna(0)
    hi_freq = frequency > frequency.median()
    hi_aov = aov > aov.median()
    matrix = np.select([hi_freq & hi_aov, hi_aov, hi_freq], ["Best", "Spenders", "Frequent"], "Uncertain")
    order = monetary.sort_values(ascending=False)
    share_before = (order.cumsum() - order) / order.sum()
    abc = pd.Series(np.select([share_before < 0.8, share_before < 0.95], ["A", "B"], "C"), index=order.index).reindex(customers)
    step("classify")

    pd.DataFrame({
        "customer_id": customers, "recency_days": recency.to_numpy(), "frequency": frequency.to_numpy(),
        "monetary": monetary.to_numpy(), "r_score": r.to_numpy(), "f_score": f.to_numpy(), "m_score": m.to_numpy(),
        "rfm_score": rfm_score.to_numpy(), "rfm_weighted": weighted.to_numpy(), "tier": tier, "segment": segment,
        "value_matrix": matrix, "abc_class": abc.to_numpy(),
    }).to_csv(out, index=False)
    step("output")
    print("timing: " + ", ".join(steps), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
