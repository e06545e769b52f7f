#!/usr/bin/env python3
"""Writes a synthetic group accident census (deterministic for a seed) for benchmarks.

Columns: name,id,age,gender,occupation_class,social_insurance, with a leading `company`
column when --group-size is given (consecutive rows of one company form a group of 3 to
2 x group-size - 3 members). Ages 18-60 and occupation classes 1-6, so every member is
insurable under GA-SME and SP-ACC.

    scripts/gen_census.py --members 1000000 --seed 2025 --out census.csv
    scripts/gen_census.py --members 1000000 --seed 2025 --group-size 10 --out groups.csv
"""

import argparse
import random

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, required=True)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--group-size", type=int, default=0, help="mean members per company")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    grouped = a.group_size > 0
    with open(a.out, "w", encoding="utf-8", newline="") as f:
        f.write(("company," if grouped else "") + "name,id,age,gender,occupation_class,social_insurance\n")
        company, left = 0, 0
        lines = []
        for i in range(a.members):
            if grouped and left == 0:
                company += 1
                left = rnd.randint(3, max(3, 2 * a.group_size - 3))
            left -= 1
            name = rnd.choice(SURNAMES) + rnd.choice(GIVEN) + (rnd.choice(GIVEN) if rnd.random() < 0.6 else "")
            age = rnd.randint(18, 60)
            gender = "male" if rnd.random() < 0.52 else "female"
            born = 2025 - age
            ident = f"3301{rnd.randint(0, 99):02d}{born}{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}{i % 10000:04d}"
            cls = rnd.choices("123456", weights=[30, 30, 20, 12, 5, 3])[0]
            social = "true" if rnd.random() < 0.8 else "false"
            prefix = f"C{company:07d}," if grouped else ""
            lines.append(f"{prefix}{name},{ident},{age},{gender},{cls},{social}\n")
            if len(lines) >= 10000:
                f.writelines(lines)
                lines.clear()
        f.writelines(lines)


if __name__ == "__main__":
    main()
