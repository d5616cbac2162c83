#!/usr/bin/env python3
"""Peer: the BTYD customer summary as one DuckDB SQL query, written to CSV.

usage: peer_duckdb.py TRANSACTIONS.csv OUT.csv [THREADS]

Same definitions as `cva summary --unit day` and lifetimes' summary_data_from_transaction_data:
purchases of one customer on one calendar day are one period (amounts summed);
frequency = periods - 1; recency = last period - first period (days);
T = observation end - first period (days), observation end = last date in the file;
monetary_value = mean of the repeat periods' summed amounts (first period excluded), 0 when
frequency = 0.
"""
import sys

import duckdb

# The first period's amount is taken out of the total with arg_min(amount, day): there is
# exactly one period per (customer, day), so the earliest day identifies it uniquely.
QUERY = """
COPY (
    WITH periods AS (
        SELECT customer_id, date AS day, sum(amount) AS amount
        FROM read_csv($input, header = true,
                      types = {'customer_id': 'VARCHAR', 'date': 'DATE', 'amount': 'DOUBLE'},
                      dateformat = '%Y-%m-%d')
        GROUP BY customer_id, date
    ),
    observation AS (SELECT max(day) AS end_day FROM periods),
    per_customer AS (
        SELECT customer_id,
               count(*) - 1              AS frequency,
               min(day)                  AS first_day,
               max(day)                  AS last_day,
               sum(amount)               AS total,
               arg_min(amount, day)      AS first_amount
        FROM periods
        GROUP BY customer_id
    )
    SELECT customer_id,
           frequency,
           last_day - first_day                    AS recency,
           observation.end_day - first_day         AS T,
           CASE WHEN frequency = 0 THEN 0.0
                ELSE (total - first_amount) / frequency END AS monetary_value
    FROM per_customer, observation
) TO '{output}' (FORMAT csv, HEADER)
"""


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__.split("\n")[2])
    source, output = sys.argv[1], sys.argv[2]
    threads = int(sys.argv[3]) if len(sys.argv) == 4 else 2
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    # COPY ... TO does not take a parameter for its target, so the output path is quoted in.
    con.execute(QUERY.replace("{output}", output.replace("'", "''")), {"input": source})


if __name__ == "__main__":
    main()
