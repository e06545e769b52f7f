#!/usr/bin/env bash
# Benchmarks of documents in bulk: 1,000 ten-member GA-SME quotes made with `batch`, then
# rendered in one `render --quotes` run to HTML, Word and PDF. Prints the wall time of each.
#
#   scripts/bench_documents.sh                 # 1,000 quotes, every format
#   QUOTES=100 FORMATS="html pdf" scripts/bench_documents.sh
#
# The census is deterministic: quote n has the ten members of examples/ga-sme-census.csv
# with the id's last four digits replaced by n, so every quote has its own quote id. Outputs
# go to a scratch folder (BENCH_DIR, default a temporary folder).
set -euo pipefail
cd "$(dirname "$0")/.."

QUOTES=${QUOTES:-1000}
FORMATS=${FORMATS:-html docx pdf}
DIR=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$DIR"
BIN=target/release/coverwright

cargo build --release --quiet
echo "machine: $(nproc) cores; scratch: $DIR"

# The census: a `company` column grouping ten rows per quote.
python3 - "$QUOTES" "$DIR/groups.csv" <<'PY'
import csv, sys
quotes, out = int(sys.argv[1]), sys.argv[2]
with open("examples/ga-sme-census.csv", encoding="utf-8") as f:
    rows = list(csv.reader(f))
header, members = rows[0], rows[1:]
assert len(members) == 10, "examples/ga-sme-census.csv has ten members"
with open(out, "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["company"] + header)
    for n in range(1, quotes + 1):
        for m in members:
            m = list(m)
            m[1] = m[1][:-4] + f"{n:04d}"[-4:] if n < 10000 else m[1]
            w.writerow([f"C{n:05d}"] + m)
PY

"$BIN" batch --product GA-SME --input "$DIR/groups.csv" --request examples/ga-sme.yaml \
  --group-column company --output "$DIR/quotes.jsonl"
echo "quotes: $(wc -l <"$DIR/quotes.jsonl") in $DIR/quotes.jsonl ($(du -h "$DIR/quotes.jsonl" | cut -f1))"

for format in $FORMATS; do
  rm -rf "$DIR/$format"
  start=$(date +%s.%N)
  "$BIN" render --quotes "$DIR/quotes.jsonl" --document policy --lang zh --format "$format" \
    --output-dir "$DIR/$format"
  end=$(date +%s.%N)
  printf '%s: %d files, %.2f s\n' "$format" "$(ls "$DIR/$format" | wc -l)" "$(echo "$end - $start" | bc)"
done
