#!/usr/bin/env python3
"""Seeded survey comments for the feedback benchmark: a surveys.csv (customer_id, date, nps,
comment) whose comments mix Chinese and English phrases, with the NPS following the tone.

usage: make_comments.py --rows N --seed S --out FILE

Each comment is one to three phrases drawn from the lists below (written for this benchmark),
so comments are short (about 10-40 characters), like real survey comments; a tenth of the
comments mix the two languages. Standard library only, so it runs before the venv exists.
"""
import argparse
import random

POSITIVE = [
    "很满意，会再来", "物流很快", "质量不错", "客服态度很好", "性价比高", "非常满意", "没问题，推荐",
    "包装完好，送货及时", "价格实惠", "做工精细，很喜欢",
    "Great service", "Fast delivery, no complaints", "Love it, highly recommend", "Good value for money",
    "The support team was very helpful", "Couldn't be happier", "Not bad at all", "Quality is excellent",
]
NEUTRAL = [
    "还行", "一般般", "价格还可以", "没有特别的感觉", "尺码正常", "发票已收到",
    "It's okay", "Average experience", "Fine, nothing special", "Arrived on Tuesday",
]
NEGATIVE = [
    "物流太慢了，等了一个星期", "快递送错地址了", "太贵了，不值", "质量差，用了两天就坏了", "收到的商品有破损",
    "客服态度很差", "排队等了很久", "尺码偏小，不合适", "重复扣费，要求退款", "不满意，要投诉",
    "Delivery is too slow", "The courier lost my package", "Too expensive for what it is",
    "Poor quality, broke after two days", "Support agent was rude", "Waited on hold for 40 minutes",
    "I was charged twice, please refund", "Not as described", "Never arrived", "Terrible, I want to cancel",
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with open(args.out, "w", encoding="utf-8", newline="") as out:
        out.write("customer_id,date,nps,comment\n")
        lines = []
        for k in range(args.rows):
            tone = rng.random()
            if tone < 0.3:
                pool, nps = NEGATIVE, rng.randint(0, 6)
            elif tone < 0.55:
                pool, nps = NEUTRAL, rng.randint(6, 8)
            else:
                pool, nps = POSITIVE, rng.randint(8, 10)
            parts = [rng.choice(pool) for _ in range(rng.choice((1, 1, 2, 3)))]
            if rng.random() < 0.1:
                parts.append(rng.choice(POSITIVE + NEUTRAL + NEGATIVE))
            comment = parts[0]
            for part in parts[1:]:
                comment += ("，" if not comment[-1].isascii() else ", ") + part
            if "," in comment or '"' in comment:
                comment = '"' + comment.replace('"', '""') + '"'
            day = 1 + k % 28
            lines.append(f"C{k:07d},2024-{1 + k % 12:02d}-{day:02d},{nps},{comment}\n")
            if len(lines) >= 100000:
                out.writelines(lines)
                lines.clear()
        out.writelines(lines)


if __name__ == "__main__":
    main()
