#!/usr/bin/env python3
"""Writes N claims (JSON Lines) on the GA-SME example policy (examples/claims/ga-sme-quote.json)
for the streaming benchmark: seeded, so every run settles the same claims.

    python3 examples/claims/gen_claims.py 100000 > /tmp/claims.jsonl
"""
import datetime
import json
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
rng = random.Random(2025)
start = datetime.date(2025, 3, 1)
names = ["张伟", "李娜", "王强", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴婷"]
out = sys.stdout
for i in range(n):
    event = start + datetime.timedelta(days=rng.randrange(0, 380))
    claim = {
        "claim_id": f"C-{i + 1:07d}",
        "date": str(event + datetime.timedelta(days=rng.randrange(1, 30))),
        "event": {"date": str(event)},
        "insured": str(rng.randrange(1, 11)),
        "documents": ["id", "invoice", "discharge_summary", "bank_account"],
    }
    kind = rng.random()
    if kind < 0.6:
        claim["coverages"] = {"medical": {"expenses": f"{rng.randrange(50, 5000)}.{rng.randrange(100):02d}"}}
    elif kind < 0.9:
        claim["coverages"] = {"allowance": {"days": str(rng.randrange(1, 40))}}
    else:
        grades = [str(rng.randrange(5, 11)) for _ in range(rng.randrange(1, 3))]
        claim["coverages"] = {"add": {"injuries": grades}}
    out.write(json.dumps(claim, ensure_ascii=False) + "\n")
