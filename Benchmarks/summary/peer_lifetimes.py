#!/usr/bin/env python3
"""Peer: pandas + lifetimes' summary_data_from_transaction_data, written to CSV.

usage: peer_lifetimes.py TRANSACTIONS.csv OUT.csv

This is the reference implementation of the BTYD summary (the convention cva follows).
"""
import sys

import pandas as pd
from lifetimes.utils import summary_data_from_transaction_data


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n")[2])
    source, output = sys.argv[1], sys.argv[2]
    # Only the three columns the summary needs are read, as a pandas user would; customer ids
    # stay strings so 'C0000001' keeps its zeros.
    df = pd.read_csv(source, usecols=["customer_id", "date", "amount"],
                     dtype={"customer_id": str, "date": str, "amount": float})
    # Dates are yyyy-MM-dd, so the lexicographic maximum is the last date in the file.
    observation_end = pd.Timestamp(df["date"].max())
    summary = summary_data_from_transaction_data(
        df, "customer_id", "date", monetary_value_col="amount",
        observation_period_end=observation_end, freq="D", datetime_format="%Y-%m-%d")
    summary.to_csv(output)   # customer_id is the index and becomes the first column


if __name__ == "__main__":
    main()
