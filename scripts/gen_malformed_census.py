#!/usr/bin/env python3
"""Writes a census with a known share of malformed rows, and what `batch` must say about it.

The census (for SP-ACC, one quote per member) is UTF-8 with a mix of what people send:
CRLF line ends on some rows, names quoted with a line break inside, and, at a rate of
--bad (default 1%), rows that must fail, spread evenly:

- a bad type (age `abc`), a GBK-encoded row inside the UTF-8 file, a row with too few cells,
- one row whose id cell is 10 MB long.

Alongside it, `<out>.expect` lists one line per record, `row ok` or `row bad`: the row is
the line the record starts on (the header is row 1). `scripts/check_malformed.py` compares
a batch output against it.

    scripts/gen_malformed_census.py --rows 2000000 --out malformed.csv
"""

import argparse
import random

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红"


def is_utf8(b: bytes) -> bool:
    try:
        b.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--bad", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    every = max(1, round(1 / a.bad)) if a.bad > 0 else 0
    huge_at = a.rows // 2
    line = 1
    out = open(a.out, "wb")
    expect = open(a.out + ".expect", "w")
    out.write(b"name,id,age,gender,occupation_class,social_insurance\r\n")
    line += 1
    buf, exp = [], []
    for i in range(a.rows):
        name = rnd.choice(SURNAMES) + rnd.choice(GIVEN) + (rnd.choice(GIVEN) if rnd.random() < 0.6 else "")
        age = rnd.randint(18, 60)
        ident = f"3301{rnd.randint(0, 99):02d}{2025 - age}{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}{i % 10000:04d}"
        gender = "male" if rnd.random() < 0.52 else "female"
        cls = rnd.choice("1234")
        social = "true" if rnd.random() < 0.8 else "false"
        end = b"\r\n" if i % 3 == 0 else b"\n"
        kind = "ok"
        spans = 1
        if i == huge_at:
            ident = "9" * (10 << 20)
            kind = "bad"
        elif every and i % every == every // 2:
            kind = "bad"
            which = (i // every) % 3
            if which == 0:
                age = "abc"
            elif which == 1:
                pass  # encoded as GBK below
            else:
                social = None
        elif i % 97 == 0:
            name = f'"{name}\n{rnd.choice(GIVEN)}"'
            spans = 2
        cells = [name, ident, str(age), gender, cls] + ([social] if social is not None else [])
        text = ",".join(cells)
        if kind == "bad" and every and i != huge_at and (i // every) % 3 == 1:
            # A name whose GBK bytes happen to be valid UTF-8 would not be a bad row.
            while is_utf8(name.encode("gbk")):
                name = rnd.choice(SURNAMES) + rnd.choice(GIVEN)
            text = ",".join([name] + cells[1:])
            data = text.encode("gbk") + end
        else:
            data = text.encode("utf-8") + end
        buf.append(data)
        exp.append(f"{line} {kind}\n")
        line += spans
        if len(buf) >= 10000:
            out.writelines(buf)
            expect.writelines(exp)
            buf.clear()
            exp.clear()
    out.writelines(buf)
    expect.writelines(exp)
    out.close()
    expect.close()


if __name__ == "__main__":
    main()
