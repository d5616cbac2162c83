#!/usr/bin/env python3
"""The pandas peer of the feedback benchmark: keyword theme tagging with `Series.str.contains`
over one regular expression per theme, and the same per-theme summary as `cva feedback
--summary-only` (count, share, detractor and promoter shares).

usage: peer_pandas.py SURVEYS.csv OUT.json LEXICON.swift

An honest, simple baseline, not an equivalent: it tags themes only (no sentiment, negation,
intensifiers or escalation), and its regexes differ from cva's matcher at the edges (Python's
\\b treats Chinese characters as word characters; no leftmost-longest hiding, so 不错 still
contains 不). The theme terms are read from cva's built-in lexicon source, so both look for the
same words: a term ending in * is a prefix (\\bterm), an English term a whole word
(\\bterm\\b), a Chinese term a plain substring.
"""
import json
import re
import sys

import pandas as pd


def theme_terms(swift_path):
    """{theme id: [terms]} from the Theme(id: ..., terms: [...]) entries of FeedbackLexicon.swift."""
    text = open(swift_path, encoding="utf-8").read()
    themes = {}
    for match in re.finditer(r'Theme\(id: "([a-z_]+)".*?terms: \[(.*?)\]\)', text, re.S):
        themes[match.group(1)] = re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(2))
    if not themes:
        sys.exit(f"peer_pandas.py: no Theme(id:..., terms: [...]) entries found in {swift_path}")
    return themes


def pattern(terms):
    parts = []
    for term in terms:
        prefix = term.endswith("*")
        word = term[:-1] if prefix else term
        escaped = re.escape(word)
        if word[0].isascii() and word[0].isalnum():
            escaped = r"\b" + escaped
        if not prefix and word[-1].isascii() and word[-1].isalnum():
            escaped += r"\b"
        parts.append(escaped)
    return "|".join(parts)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.split("\n")[3])
    surveys, out, swift = sys.argv[1:]
    frame = pd.read_csv(surveys, dtype={"customer_id": str, "comment": str}, usecols=["customer_id", "nps", "comment"])
    frame = frame[frame["comment"].notna() & (frame["comment"].str.strip() != "")]
    nps = frame["nps"]
    detractor = nps <= 6
    promoter = nps >= 9
    n, n_detractors, n_promoters = len(frame), int(detractor.sum()), int(promoter.sum())
    rows = []
    for theme, terms in theme_terms(swift).items():
        tagged = frame["comment"].str.contains(pattern(terms), case=False, regex=True)
        count = int(tagged.sum())
        rows.append({
            "theme": theme, "count": count, "share": count / n if n else 0,
            "detractor_share": int((tagged & detractor).sum()) / n_detractors if n_detractors else None,
            "promoter_share": int((tagged & promoter).sum()) / n_promoters if n_promoters else None,
        })
    rows.sort(key=lambda r: -r["count"])
    with open(out, "w") as handle:
        json.dump({"n": n, "detractors": n_detractors, "promoters": n_promoters, "themes": rows}, handle, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
