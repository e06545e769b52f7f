#!/usr/bin/env python3
"""Checks a batch output of a census from scripts/gen_malformed_census.py against its
`.expect` file: one output line per record, each at the expected row, quoted where the row
is good and an error line where it is bad. Reads only what it needs of each line (the output
of 2,000,000 quotes is several GB).

    scripts/check_malformed.py malformed.csv.expect out.jsonl
"""

import re
import sys

ERROR = re.compile(rb'^\{"record":(\d+),"row":(\d+),')
MEMBER_ROW = re.compile(rb'"row":(\d+)')


def main() -> int:
    expect_path, out_path = sys.argv[1], sys.argv[2]
    records = bad = wrong = 0
    with open(expect_path, "rb") as exp, open(out_path, "rb") as out:
        for n, (e, o) in enumerate(zip(exp, out), start=1):
            row, kind = e.split()
            m = ERROR.match(o)
            if m:
                got_kind, got_row = b"bad", m.group(2)
                if int(m.group(1)) != n:
                    got_kind = b"wrong record number"
            else:
                at = o.find(b'"members":[')
                m = MEMBER_ROW.search(o, at) if at >= 0 else None
                got_kind, got_row = b"ok", (m.group(1) if m else b"?")
            records += 1
            bad += kind == b"bad"
            if got_row != row or got_kind != kind:
                wrong += 1
                if wrong <= 5:
                    print(f"record {n}: expected row {row.decode()} {kind.decode()}, got row {got_row.decode()} {got_kind.decode()}")
        rest_exp = sum(1 for _ in exp)
        rest_out = sum(1 for _ in out)
    if rest_exp or rest_out:
        print(f"line counts differ: {rest_exp} more expected, {rest_out} more output")
        wrong += 1
    print(f"{records} records, {bad} bad rows expected, {wrong} mismatches")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
