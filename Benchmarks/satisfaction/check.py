"""Checks that cva's and pandas' NPS/CSAT/CES agree, overall and per month (1e-9 relative)."""
import json
import sys

cva_path, peer_path, out = sys.argv[1], sys.argv[2], sys.argv[3]
cva = json.load(open(cva_path))
peer = json.load(open(peer_path))
fields = {"nps": ["score", "moe", "n", "promoters", "passives", "detractors"], "csat": ["score", "mean", "n"],
          "ces": ["mean", "share_high", "n"]}
problems = []


def compare(label, a, b):
    for metric, keys in fields.items():
        for key in keys:
            x, y = a[metric][key], b[metric][key]
            if abs(x - y) > 1e-9 * max(1.0, abs(y)):
                problems.append(f"{label} {metric}.{key}: cva {x} vs pandas {y}")


compare("overall", cva, peer)
cva_months = {g["group"]: g for g in cva["by"] if g["by"] == "month"}
peer_months = {g["group"]: g for g in peer["by"]}
if set(cva_months) != set(peer_months):
    problems.append(f"months differ: cva {sorted(cva_months)[:3]}... pandas {sorted(peer_months)[:3]}...")
for month in sorted(set(cva_months) & set(peer_months)):
    compare(month, cva_months[month], peer_months[month])
summary = {"agree": not problems, "months": len(peer_months), "problems": problems[:20],
           "nps": cva["nps"]["score"], "csat": cva["csat"]["score"], "ces": cva["ces"]["mean"]}
json.dump(summary, open(out, "w"), indent=1)
print("  check: " + ("cva and pandas agree on every score, overall and in %d months" % len(peer_months) if not problems
                     else "%d DIFFERENCES, e.g. %s" % (len(problems), problems[0])))
sys.exit(0 if not problems else 1)
