#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seeds from the shipped products, examples and test fixtures.
# Run from anywhere; existing corpus files are kept.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
c="$here/corpus"
mkdir -p "$c/product" "$c/request" "$c/census" "$c/formula" "$c/render"

for f in "$root"/products/*.yaml; do cp "$f" "$c/product/"; done
for f in "$root"/examples/*.yaml "$root"/tests/fixtures/requests/*.yaml; do cp "$f" "$c/request/"; done
for f in "$root"/examples/*.csv "$root"/products/census/*.csv "$root"/tests/fixtures/requests/*.csv; do
  cp "$f" "$c/census/"
done

# Formulas: the one-line `formula:` and `require:` values of the shipped products.
n=0
grep -h -E '^\s*(- )?(formula|require): ' "$root"/products/*.yaml \
  | sed -E 's/^\s*(- )?(formula|require): //; s/\s+#.*$//' \
  | grep -v -E '^[>|]' \
  | while IFS= read -r line; do
      n=$((n + 1))
      printf '%s' "$line" > "$c/formula/shipped-$n"
    done

# Render: lines of names, ids and coded values, one piece per line.
printf '%s\n' '<script>alert(1)</script>' '"quoted" & <b>bold</b>' '3' '0.265' '0.0015' 'A' 'O/A' 'female' 'monthly' \
  > "$c/render/escaping"
printf '%s\n' '杭州某某餐饮有限公司' '91330100MA2XXXXXXX' '1' '0.9' '1.5' 'B' 'L/C' 'male' 'annual' \
  > "$c/render/plain"

# Earlier findings are seeds too.
for t in product request census formula render; do
  if [ -d "$root/tests/fixtures/fuzz/$t" ]; then
    find "$root/tests/fixtures/fuzz/$t" -type f ! -name README.md -exec cp {} "$c/$t/" \;
  fi
done
echo "seeded $c"
