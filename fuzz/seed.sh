#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seeds from the shipped products, examples and test fixtures.
# Run from anywhere; existing corpus files are kept.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
c="$here/corpus"
mkdir -p "$c/product" "$c/request" "$c/census" "$c/formula" "$c/render" "$c/census_rows" "$c/batch_record"

for f in "$root"/products/*.yaml; do cp "$f" "$c/product/"; done
for f in "$root"/examples/*.yaml "$root"/tests/fixtures/requests/*.yaml; do cp "$f" "$c/request/"; done
for f in "$root"/examples/*.csv "$root"/products/census/*.csv "$root"/tests/fixtures/requests/*.csv; do
  cp "$f" "$c/census/"
done

for f in "$c"/census/*.csv; do cp "$f" "$c/census_rows/"; done

# JSON Lines records: requests as one line each, with and without a census.
printf '%s' '{"start": "2025-03-01", "term": 12, "policyholder": {"name": "杭州某某餐饮有限公司", "id": "91330100MA2XXXXXXX", "industry": "catering", "employees": 12, "revenue": 600}, "census": "ga-sme-census.csv", "coverages": {"add": {"sum_insured": 500000}, "medical": {"sum_insured": 20000, "deductible": 100, "ratio": 0.9}, "allowance": {"daily": 50, "tier": 3, "deductible_days": 3}}}' \
  > "$c/batch_record/ga-sme-census"
printf '%s' '{"start": "2025-03-01", "term": 12, "policyholder": {"name": "A", "industry": "catering", "employees": 3, "revenue": 100}, "members": [{"name": "B", "id": "330105198206154312", "age": 43, "gender": "male", "occupation_class": 2, "social_insurance": true}], "coverages": {"add": {"sum_insured": 300000}}}' \
  > "$c/batch_record/ga-sme-inline"

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
