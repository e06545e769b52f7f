#!/usr/bin/env python3
"""Reference values for the actuarial tests, from independent libraries.

Writes tests/fixtures/actuarial/reference.csv. Run it in a virtualenv outside
the repository:

    python3 -m venv /tmp/actvenv
    /tmp/actvenv/bin/pip install pyliferisk==1.12.0 actuarialmath==1.1.0 ipython
    /tmp/actvenv/bin/python scripts/actuarial_reference.py

Every value is computed twice: by the libraries (binary floating point) and
from first principles (direct summation with Python's `decimal` at 50
significant digits). For each column the candidates from the libraries are
tried in order; the first one that exists for the row and agrees with first
principles to 1e-11 relative is written. When none does, the first-principles
value is written. The `source` column says, per value column, where the
written value came from; the script prints, per library function, how often it
disagreed with first principles or could not be evaluated.
"""

import csv
import sys
from collections import Counter
from decimal import Decimal as D, getcontext
from pathlib import Path

import pyliferisk as pl
from actuarialmath import UDD, LifeTable, Woolhouse

getcontext().prec = 50

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "products" / "tables" / "cl_2010_2013_qx.csv"
OUT = ROOT / "tests" / "fixtures" / "actuarial" / "reference.csv"

TABLES = ["CL1", "CL2", "CL5", "CL6"]
AGES = [0, 20, 40, 60, 80]
RATES = ["0.015", "0.02", "0.025", "0.035"]
DEFERRALS = [0, 10, 20]
TERMS = [None, 10, 20]
M = 12
AGREE = D("1e-11")

COLUMNS = [
    "annual",
    "woolhouse12",
    "udd12",
    "pure_endowment",
    "term_assurance",
    "whole_life_assurance",
]

disagreed = Counter()
unavailable = Counter()
written = Counter()
largest = {"relative difference": D(0)}


class FirstPrinciples:
    """Direct summation over the life table in 50-digit decimal arithmetic."""

    def __init__(self, qx, i):
        self.l = [D(100000)]
        for q in qx:
            self.l.append(self.l[-1] * (1 - q))
        self.omega1 = len(self.l) - 1  # index of the first age with l = 0
        self.v = 1 / (1 + i)
        self.v_m = self.v ** (D(1) / D(M))

    def lx(self, x):
        return self.l[x] if x <= self.omega1 else D(0)

    def l_frac(self, x, f):
        """l at age x + f under uniform distribution of deaths (0 <= f < 1)."""
        lo, hi = self.lx(x), self.lx(x + 1)
        return lo - f * (lo - hi)

    def end(self, x, d, n):
        last = self.omega1 - x  # years until l = 0
        return last if n is None else min(d + n, last)

    def annual(self, x, d, n):
        total = sum(
            (self.v**k * self.lx(x + k) for k in range(d, max(d, self.end(x, d, n)))),
            D(0),
        )
        return total / self.l[x]

    def E(self, x, t):
        return self.v**t * self.lx(x + t) / self.l[x]

    def woolhouse(self, x, d, n):
        spread = self.E(x, d) - (D(0) if n is None else self.E(x, d + n))
        return self.annual(x, d, n) - D(M - 1) / D(2 * M) * spread

    def udd(self, x, d, n):
        total = D(0)
        for j in range(M * d, M * max(d, self.end(x, d, n))):
            k, r = divmod(j, M)
            total += self.v_m**j * self.l_frac(x + k, D(r) / D(M))
        return total / D(M) / self.l[x]

    def term_assurance(self, x, n):
        total = D(0)
        for k in range(n):
            deaths = self.lx(x + k) - self.lx(x + k + 1)
            total += self.v ** (k + 1) * deaths
        return total / self.l[x]

    def whole_life_assurance(self, x):
        return self.term_assurance(x, self.omega1 - x)


def agrees(lib, ref):
    lib = D(repr(float(lib)))
    if ref == 0:
        return abs(lib) <= D("1e-15")
    return abs(lib - ref) / abs(ref) <= AGREE


def choose(column, candidates, ref):
    """First library candidate agreeing with first principles, else `ref`."""
    for name, fun in candidates:
        try:
            value = fun()
        except Exception:  # a missing function or an age past its table
            unavailable[(column, name)] += 1
            continue
        if value is None:
            unavailable[(column, name)] += 1
            continue
        if agrees(value, ref):
            written[(column, name)] += 1
            if ref != 0:
                rel = abs(D(repr(float(value))) - ref) / abs(ref)
                largest["relative difference"] = max(largest["relative difference"], rel)
            return fixed(D(repr(float(value)))), name
        disagreed[(column, name)] += 1
    written[(column, "first-principles")] += 1
    return fixed(ref), "first-principles"


def fixed(value):
    """Plain decimal notation with at most 20 significant digits."""
    return format(D(format(value, ".20g")), "f")


def rows_for(column_name, qtexts):
    qd = [D(t) for t in qtexts]
    qf = [float(t) for t in qtexts]
    out = []
    for rate in RATES:
        i = D(rate)
        fp = FirstPrinciples(qd, i)
        mt = pl.Actuarial(nt=[0] + [q * 1000 for q in qf], i=float(i))
        life = LifeTable().set_interest(i=float(i)).set_table(
            q=dict(enumerate(qf)), radix=10**10
        )
        udd = UDD(m=M, life=life)
        wool = Woolhouse(m=M, life=life)
        for x in AGES:
            for d in DEFERRALS:
                for n in TERMS:
                    out.append(
                        one_row(column_name, rate, x, d, n, fp, mt, life, udd, wool)
                    )
    return out


def one_row(table, rate, x, d, n, fp, mt, life, udd, wool):
    whole = n is None
    t = -1 if whole else n  # actuarialmath's "whole life" term

    annual = []
    if d == 0 and whole:
        annual.append(("pyliferisk.aax", lambda: pl.aax(mt, x)))
    elif d == 0:
        annual.append(("pyliferisk.aaxn", lambda: pl.aaxn(mt, x, n)))
    elif whole:
        annual.append(("pyliferisk.taax", lambda: pl.taax(mt, x, d)))
    else:
        annual.append(("pyliferisk.taaxn", lambda: pl.taaxn(mt, x, n, d)))
        annual.append(
            ("pyliferisk.nEx*aaxn", lambda: pl.nEx(mt, x, d) * pl.aaxn(mt, x + d, n))
        )
    annual.append(
        ("actuarialmath.deferred_annuity", lambda: life.deferred_annuity(x, u=d, t=t))
    )

    woolhouse = []
    if d == 0 and whole:
        woolhouse.append(("pyliferisk.aax(m=12)", lambda: pl.aax(mt, x, M)))
    elif d == 0:
        woolhouse.append(("pyliferisk.aaxn(m=12)", lambda: pl.aaxn(mt, x, n, M)))
    elif whole:
        woolhouse.append(("pyliferisk.taax(m=12)", lambda: pl.taax(mt, x, d, M)))
    woolhouse.append(
        (
            "actuarialmath.Woolhouse.deferred_annuity",
            lambda: wool.deferred_annuity(x, u=d, t=t),
        )
    )

    udd12 = []
    if d == 0 and whole:
        udd12.append(
            ("actuarialmath.UDD.whole_life_annuity", lambda: udd.whole_life_annuity(x))
        )
    elif d == 0:
        udd12.append(
            ("actuarialmath.UDD.temporary_annuity", lambda: udd.temporary_annuity(x, t=n))
        )
    else:
        udd12.append(
            (
                "actuarialmath.UDD.deferred_annuity",
                lambda: udd.deferred_annuity(x, u=d, t=t),
            )
        )
        udd12.append(
            (
                "actuarialmath.E_x*UDD.temporary_annuity",
                lambda: life.E_x(x, t=d) * udd.temporary_annuity(x + d, t=t),
            )
        )

    pure = [("pyliferisk.nEx", lambda: pl.nEx(mt, x, d))]
    term = [("pyliferisk.Axn", lambda: pl.Axn(mt, x, d))]
    assurance = [("pyliferisk.Ax", lambda: pl.Ax(mt, x))]

    refs = {
        "annual": (annual, fp.annual(x, d, n)),
        "woolhouse12": (woolhouse, fp.woolhouse(x, d, n)),
        "udd12": (udd12, fp.udd(x, d, n)),
        "pure_endowment": (pure, fp.E(x, d)),
        "term_assurance": (term, fp.term_assurance(x, d)),
        "whole_life_assurance": (assurance, fp.whole_life_assurance(x)),
    }
    values, sources = [], []
    for column in COLUMNS:
        candidates, ref = refs[column]
        value, name = choose(column, candidates, ref)
        values.append(value)
        sources.append(f"{column}={name}")
    return [table, x, rate, d, "" if whole else n, *values, " ".join(sources)]


def main():
    with TABLE.open(newline="") as f:
        data = list(csv.DictReader(f))
    rows = []
    for column in TABLES:
        rows.extend(rows_for(column, [r[column] for r in data]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["table", "age", "interest", "defer", "term", *COLUMNS, "source"])
        w.writerows(rows)
    print(f"{len(rows)} rows written to {OUT.relative_to(ROOT)}", file=sys.stderr)
    print(
        f"largest relative difference of a written library value from first principles: "
        f"{largest['relative difference']:.2e}",
        file=sys.stderr,
    )
    for label, counter in [
        ("written from", written),
        ("disagreed with first principles", disagreed),
        ("could not be evaluated", unavailable),
    ]:
        print(f"\n{label}:", file=sys.stderr)
        for (column, name), count in sorted(counter.items()):
            print(f"  {column:22} {name:45} {count}", file=sys.stderr)


if __name__ == "__main__":
    main()
