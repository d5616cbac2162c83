"""pandas peer: reads surveys.csv and computes the same NPS/CSAT/CES aggregation as
`cva satisfaction FILE --by month --format json`, overall and by month, written as JSON."""
import json
import math
import sys

import pandas as pd

path, out = sys.argv[1], sys.argv[2]
df = pd.read_csv(path, usecols=["date", "nps", "csat", "ces"], dtype={"nps": "float64", "csat": "float64", "ces": "float64"})
df["month"] = df["date"].str.slice(0, 7)


def scores(g):
    nps = g["nps"].dropna()
    n = len(nps)
    promoters = int((nps >= 9).sum())
    detractors = int((nps <= 6).sum())
    p, d = promoters / n, detractors / n
    se = 100 * math.sqrt(max(0.0, p + d - (p - d) ** 2) / n)
    csat = g["csat"].dropna()
    ces = g["ces"].dropna()
    return {
        "nps": {"score": 100 * (p - d), "moe": 1.96 * se, "n": n, "promoters": promoters,
                "passives": n - promoters - detractors, "detractors": detractors},
        "csat": {"score": 100 * float((csat >= 4).mean()), "mean": float(csat.mean()), "n": int(len(csat))},
        "ces": {"mean": float(ces.mean()), "share_high": 100 * float((ces >= 5).mean()), "n": int(len(ces))},
    }


result = scores(df)
result["by"] = [dict(by="month", group=month, **scores(g)) for month, g in df.groupby("month", sort=True)]
with open(out, "w") as f:
    json.dump(result, f)
