#!/usr/bin/env python3
"""Peer: the monthly cohort table or the monthly KPIs with pandas, written to CSV.

usage: peer_pandas.py cohorts|kpis TRANSACTIONS.csv OUT.csv [CHURN_DAYS]

Definitions as `cva cohorts` / `cva kpis` (months): purchases of a customer on one day are one
purchase day; cohort = month of the first purchase; active = customers with a purchase in the
month. KPIs, S = CHURN_DAYS (90): new = first purchase in the month; for the other active
customers, the last purchase before the month start t: returning when start - t <= S, else
reactivated; churned in month m = purchase days t whose next purchase is later than t + S (or
none), with t + S in m and not after the last date of the file; repeat = customers with 2+
purchase days in the month; revenue and orders (rows) of the month.
"""
import sys

import numpy as np
import pandas as pd


def read(path):
    df = pd.read_csv(path, usecols=["customer_id", "date", "amount"],
                     dtype={"customer_id": str, "amount": float})
    df["date"] = pd.to_datetime(df["date"], format="%Y-%m-%d")
    return df


def month_index(dates):
    return dates.dt.year * 12 + dates.dt.month - 1


def month_start(index):
    return pd.to_datetime({"year": index // 12, "month": index % 12 + 1, "day": 1})


def cohorts(df, out):
    df["month"] = month_index(df["date"])
    first = df.groupby("customer_id", sort=False)["month"].min().rename("cohort")
    df = df.join(first, on="customer_id")
    df["age"] = df["month"] - df["cohort"]
    size = first.value_counts().rename("cohort_size")
    cells = df.groupby(["cohort", "age"]).agg(active_customers=("customer_id", "nunique"),
                                              revenue=("amount", "sum")).reset_index()
    cells = cells.join(size, on="cohort")
    cells["cohort"] = month_start(cells["cohort"]).dt.strftime("%Y-%m-%d")
    cells = cells.rename(columns={"age": "period_index"})
    cells[["cohort", "period_index", "cohort_size", "active_customers", "revenue"]].to_csv(out, index=False)


def kpis(df, out, span):
    end = df["date"].max()
    days = (df.groupby(["customer_id", "date"], sort=True)
              .agg(amount=("amount", "sum"), orders=("amount", "size")).reset_index())
    days["month"] = month_index(days["date"])
    grouped = days.groupby("customer_id", sort=False)["date"]
    days["previous"] = grouped.shift(1)
    days["next"] = grouped.shift(-1)
    first_in_month = ~days.duplicated(["customer_id", "month"])
    firsts = days[first_in_month]
    start = month_start(firsts["month"])
    is_new = firsts["previous"].isna()
    gap = (start.values - firsts["previous"].values).astype("timedelta64[D]").astype(float)
    returning = (~is_new) & (gap <= span)
    reactivated = (~is_new) & (gap > span)
    span_td = pd.Timedelta(days=span)
    churn_day = days["date"] + span_td
    churn = (days["next"].isna() | (days["next"] > churn_day)) & (churn_day <= end)
    churned = month_index(churn_day[churn]).value_counts()
    per_customer_month = days.groupby(["customer_id", "month"], sort=False).size()
    repeat = (per_customer_month >= 2).groupby(level="month").sum()
    table = pd.DataFrame({
        "active_customers": firsts.groupby("month").size(),
        "new_customers": is_new.groupby(firsts["month"]).sum(),
        "returning_customers": returning.groupby(firsts["month"]).sum(),
        "reactivated_customers": reactivated.groupby(firsts["month"]).sum(),
        "revenue": days.groupby("month")["amount"].sum(),
        "orders": days.groupby("month")["orders"].sum(),
        "repeat_customers": repeat,
    })
    months = np.arange(days["month"].min(), month_index(pd.Series([end]))[0] + 1)
    table = table.reindex(months, fill_value=0)
    table["churned_customers"] = churned.reindex(months, fill_value=0)
    table.index = month_start(pd.Series(months)).dt.strftime("%Y-%m-%d")
    table.index.name = "period"
    table.fillna(0).to_csv(out)


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__.split("\n")[2])
    task, source, output = sys.argv[1:4]
    span = int(sys.argv[4]) if len(sys.argv) == 5 else 90
    df = read(source)
    if task == "cohorts":
        cohorts(df, output)
    else:
        kpis(df, output, span)


if __name__ == "__main__":
    main()
