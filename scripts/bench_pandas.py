#!/usr/bin/env python3
"""GA-SME re-rated with pandas: the script an actuary would write, for the side-by-side
benchmark in scripts/bench.sh.

Reads a grouped census (scripts/gen_census.py --group-size N: company, name, id, age, gender,
occupation_class, social_insurance), one quote per run of rows of one company, with the options
of examples/ga-sme.yaml (add 500,000; medical 20,000, deductible 100, ratio 90%; allowance 50 a
day, tier 3, 3 deductible days; twelve months) and GA-SME's tables (products/ga-sme-2024.yaml):

  group_factor  = group_size[members]            3-10: 1.10, 11-30: 1.00, 31-100: 0.95, else 0.90
  social_factor = social_factor[share insured]   [0,0.2): 1.00, [0.2,0.5): 0.97, [0.5,0.8): 0.93, else 0.90
  add       = 500000 / 1000 × ad_rate[class] × group_factor
  medical   = 20000 / 1000 × medical_rate[class] × 1.00 × 1.00 × social_factor × group_factor
  allowance = 50 / 10 × 1.69 × 0.77 × allowance_occupation[class] × group_factor

each rounded per member to the fen, half up. A company is declined when it has fewer than three
members or a member outside ages 16-65 or classes 1-6. Per company: VAT (6%, included) split per
coverage as net = round(gross / 1.06), and the monthly plan: one instalment = round(premium ×
0.09), twelve of them.

Amounts are computed in whole scaled integers (every rate and factor has at most two decimal
places), so the rounding is exact, as the engine's decimals are.

Writes the per-member CSV and the per-company CSV and prints the total premium.
"""

import argparse
import sys

import numpy as np
import pandas as pd

AD_RATE_X10 = {1: 10, 2: 15, 3: 20, 4: 30, 5: 50, 6: 80}
MEDICAL_RATE_X10 = {1: 43, 2: 54, 3: 66, 4: 87, 5: 108, 6: 170}
ALLOWANCE_OCC_X100 = {1: 100, 2: 100, 3: 100, 4: 200, 5: 350, 6: 450}


def half_up(x, scale):
    """Scaled non-negative integers divided by `scale`, rounded half up."""
    return (x + scale // 2) // scale


def fen(units):
    """Fen as a decimal string with two places."""
    units = np.asarray(units, dtype=np.int64)
    return pd.Series([f"{u // 100}.{u % 100:02d}" for u in units])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--census", required=True)
    ap.add_argument("--members-out", required=True)
    ap.add_argument("--companies-out", required=True)
    a = ap.parse_args()

    df = pd.read_csv(
        a.census,
        dtype={"company": str, "name": str, "id": str, "gender": str},
        keep_default_na=False,
    )
    df["social_insurance"] = df["social_insurance"].astype(str).str.lower() == "true"
    # One quote per run of consecutive rows of one company.
    run = (df["company"] != df["company"].shift()).cumsum()
    df["quote"] = run
    g = df.groupby("quote", sort=False)
    n = g["company"].transform("size")
    ok_member = df["age"].between(16, 65) & df["occupation_class"].between(1, 6)
    ok = (n >= 3) & ok_member.groupby(df["quote"]).transform("all")
    share_x1000 = g["social_insurance"].transform("sum") * 1000 // n
    gf_x100 = np.select([n < 11, n < 31, n < 101], [110, 100, 95], 90)
    sf_x100 = np.select(
        [share_x1000 < 200, share_x1000 < 500, share_x1000 < 800], [100, 97, 93], 90
    )
    cls = df["occupation_class"].clip(1, 6)
    ad = cls.map(AD_RATE_X10).to_numpy(np.int64)
    med = cls.map(MEDICAL_RATE_X10).to_numpy(np.int64)
    occ = cls.map(ALLOWANCE_OCC_X100).to_numpy(np.int64)
    # add: 500 × rate(/10) × gf(/100) -> scale 1000; in fen: /10.
    df["add"] = half_up(500 * ad * gf_x100, 10)
    # medical: 20 × rate(/10) × sf(/100) × gf(/100) -> scale 10^5; in fen: /1000.
    df["medical"] = half_up(20 * med * sf_x100 * gf_x100, 1000)
    # allowance: 5 × 169(/100) × 77(/100) × occ(/100) × gf(/100) -> scale 10^8; in fen: /10^6.
    df["allowance"] = half_up(5 * 169 * 77 * occ * gf_x100, 1_000_000)
    df["total"] = df["add"] + df["medical"] + df["allowance"]
    quoted = df[ok]

    members = pd.DataFrame(
        {
            "record": quoted["quote"].to_numpy(),
            "company": quoted["company"].to_numpy(),
            "name": quoted["name"].to_numpy(),
            "id": quoted["id"].to_numpy(),
            "add": fen(quoted["add"]),
            "medical": fen(quoted["medical"]),
            "allowance": fen(quoted["allowance"]),
            "total": fen(quoted["total"]),
        }
    )
    members.to_csv(a.members_out, index=False)

    per = quoted.groupby("quote", sort=False).agg(
        company=("company", "first"),
        members=("company", "size"),
        add=("add", "sum"),
        medical=("medical", "sum"),
        allowance=("allowance", "sum"),
    )
    premium = per["add"] + per["medical"] + per["allowance"]
    net = sum(half_up(per[c] * 200, 212) for c in ("add", "medical", "allowance"))
    monthly = half_up(premium * 9, 100)
    companies = pd.DataFrame(
        {
            "record": per.index.to_numpy(),
            "company": per["company"].to_numpy(),
            "members": per["members"].to_numpy(),
            "premium": fen(premium),
            "net": fen(net),
            "vat": fen(premium - net),
            "first_instalment": fen(monthly),
            "instalment_total": fen(monthly * 12),
        }
    )
    companies.to_csv(a.companies_out, index=False)
    total = int(premium.sum())
    print(f"total premium {total // 100}.{total % 100:02d} in {len(per)} quotes, {len(quoted)} members")
    return 0


if __name__ == "__main__":
    sys.exit(main())
