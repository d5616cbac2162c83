#!/usr/bin/env python3
"""Peer: the monthly cohort table or the monthly KPIs as DuckDB SQL, written with COPY ... TO.

usage: peer_duckdb.py cohorts|kpis TRANSACTIONS.csv OUT.csv [THREADS] [CHURN_DAYS]

Definitions as peer_pandas.py (and `cva cohorts` / `cva kpis` with months).
"""
import sys

import duckdb

SOURCE = """
    SELECT customer_id, date AS day, amount
    FROM read_csv($input, header = true,
                  types = {'customer_id': 'VARCHAR', 'date': 'DATE', 'amount': 'DOUBLE'},
                  dateformat = '%Y-%m-%d')
"""

COHORTS = f"""
COPY (
    WITH rows AS (SELECT customer_id, date_trunc('month', day)::DATE AS month, amount FROM ({SOURCE})),
    firsts AS (SELECT customer_id, min(month) AS cohort FROM rows GROUP BY customer_id),
    sizes AS (SELECT cohort, count(*) AS cohort_size FROM firsts GROUP BY cohort)
    SELECT strftime(f.cohort, '%Y-%m-%d') AS cohort,
           datediff('month', f.cohort, r.month) AS period_index,
           s.cohort_size,
           count(DISTINCT r.customer_id) AS active_customers,
           sum(r.amount) AS revenue
    FROM rows r JOIN firsts f USING (customer_id) JOIN sizes s ON s.cohort = f.cohort
    GROUP BY f.cohort, r.month, s.cohort_size
    ORDER BY f.cohort, period_index
) TO '{{output}}' (FORMAT csv, HEADER)
"""

KPIS = f"""
COPY (
    WITH days AS (
        SELECT customer_id, day, sum(amount) AS amount, count(*) AS orders
        FROM ({SOURCE}) GROUP BY customer_id, day
    ),
    ordered AS (
        SELECT *, date_trunc('month', day)::DATE AS month,
               lag(day) OVER w AS previous, lead(day) OVER w AS next
        FROM days WINDOW w AS (PARTITION BY customer_id ORDER BY day)
    ),
    observation AS (SELECT max(day) AS end_day FROM days),
    months AS (
        SELECT range::DATE AS month FROM range(
            (SELECT min(month) FROM ordered), (SELECT end_day FROM observation) + 1, INTERVAL 1 MONTH)
    ),
    customer_months AS (
        SELECT customer_id, month, count(*) AS purchase_days, arg_min(coalesce(previous, DATE '1900-01-01'), day) AS previous_purchase,
               sum(amount) AS revenue, sum(orders) AS orders
        FROM ordered GROUP BY customer_id, month
    ),
    activity AS (
        SELECT month,
               count(*) AS active_customers,
               count(*) FILTER (WHERE previous_purchase = DATE '1900-01-01') AS new_customers,
               count(*) FILTER (WHERE previous_purchase > DATE '1900-01-01' AND month - previous_purchase <= $span) AS returning_customers,
               count(*) FILTER (WHERE previous_purchase > DATE '1900-01-01' AND month - previous_purchase > $span) AS reactivated_customers,
               sum(revenue) AS revenue, sum(orders) AS orders,
               count(*) FILTER (WHERE purchase_days >= 2) AS repeat_customers
        FROM customer_months GROUP BY month
    ),
    churn AS (
        SELECT date_trunc('month', day + $span)::DATE AS month, count(*) AS churned_customers
        FROM ordered, observation
        WHERE (next IS NULL OR next > day + $span) AND day + $span <= end_day
        GROUP BY 1
    )
    SELECT strftime(m.month, '%Y-%m-%d') AS period,
           coalesce(a.active_customers, 0) AS active_customers, coalesce(a.new_customers, 0) AS new_customers,
           coalesce(a.returning_customers, 0) AS returning_customers,
           coalesce(a.reactivated_customers, 0) AS reactivated_customers,
           coalesce(c.churned_customers, 0) AS churned_customers,
           coalesce(a.revenue, 0) AS revenue, coalesce(a.orders, 0) AS orders,
           coalesce(a.repeat_customers, 0) AS repeat_customers
    FROM months m LEFT JOIN activity a USING (month) LEFT JOIN churn c USING (month)
    ORDER BY m.month
) TO '{{output}}' (FORMAT csv, HEADER)
"""


def main():
    if len(sys.argv) not in (4, 5, 6):
        sys.exit(__doc__.split("\n")[2])
    task, source, output = sys.argv[1:4]
    threads = int(sys.argv[4]) if len(sys.argv) >= 5 else 2
    span = int(sys.argv[5]) if len(sys.argv) == 6 else 90
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    query = (COHORTS if task == "cohorts" else KPIS).replace("{output}", output.replace("'", "''"))
    params = {"input": source}
    if task != "cohorts":
        params["span"] = span
    con.execute(query, params)


if __name__ == "__main__":
    main()
