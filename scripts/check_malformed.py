#!/usr/bin/env python3
"""Checks a batch output of a census from scripts/gen_malformed_census.py against its
`.expect` file: one output line per record, each at the expected row, quoted where the row
is good and an error line where it is bad.

    scripts/check_malformed.py malformed.csv.expect out.jsonl
"""

import json
import sys


def main() -> int:
    expect_path, out_path = sys.argv[1], sys.argv[2]
    records = bad = wrong = 0
    with open(expect_path) as exp, open(out_path, encoding="utf-8") as out:
        for n, (e, o) in enumerate(zip(exp, out), start=1):
            row, kind = e.split()
            v = json.loads(o)
            got_row = v.get("row") if "error" in v else v["members"][0]["row"]
            got_kind = "bad" if "error" in v else "ok"
            records += 1
            bad += kind == "bad"
            if str(got_row) != row or got_kind != kind:
                wrong += 1
                if wrong <= 5:
                    print(f"record {n}: expected row {row} {kind}, got row {got_row} {got_kind}")
        rest_exp = sum(1 for _ in exp)
        rest_out = sum(1 for _ in out)
    if rest_exp or rest_out:
        print(f"line counts differ: {rest_exp} more expected, {rest_out} more output")
        wrong += 1
    print(f"{records} records, {bad} bad rows expected, {wrong} mismatches")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
