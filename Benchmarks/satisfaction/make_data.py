"""Writes a surveys.csv of N answers (response_id,customer_id,date,nps,csat,ces,comment) for the benchmark.

Seeded; response_id keeps every row distinct (cva sets exact duplicate rows aside); about 3% of each answer is blank (a question skipped), dates span 2023-01-01..2024-12-31.
`cva generate` writes about one survey row per three customers, so a million answers would need
three million simulated customers: this stand-in is faster and has the same columns.
"""
import argparse
import datetime
import random

parser = argparse.ArgumentParser()
parser.add_argument("--rows", type=int, default=1_000_000)
parser.add_argument("--seed", type=int, default=42)
parser.add_argument("--out", required=True)
args = parser.parse_args()

rng = random.Random(args.seed)
start = datetime.date(2023, 1, 1).toordinal()
days = [datetime.date.fromordinal(start + k).isoformat() for k in range(731)]
nps_weights = [2, 1, 2, 3, 3, 5, 7, 12, 18, 22, 25]
csat_weights = [5, 8, 20, 37, 30]
ces_weights = [4, 6, 10, 15, 25, 25, 15]


def answers(values, weights, k):
    out = [str(v) for v in rng.choices(values, weights, k=k)]
    for i in range(k):
        if rng.random() < 0.03:
            out[i] = ""
    return out


with open(args.out, "w", encoding="utf-8") as f:
    f.write("response_id,customer_id,date,nps,csat,ces,comment\n")
    block = 100_000
    done = 0
    while done < args.rows:
        k = min(block, args.rows - done)
        nps = answers(range(11), nps_weights, k)
        csat = answers(range(1, 6), csat_weights, k)
        ces = answers(range(1, 8), ces_weights, k)
        lines = []
        for i in range(k):
            customer = f"C{rng.randrange(1, 400_000):07d}"
            comment = "fast delivery" if rng.random() < 0.1 else ""
            lines.append(f"R{done + i + 1},{customer},{days[rng.randrange(731)]},{nps[i]},{csat[i]},{ces[i]},{comment}\n")
        f.write("".join(lines))
        done += k
