#!/usr/bin/env bash
# Benchmarks of documents in bulk: 1,000 ten-member GA-SME quotes made with `batch`, then
# rendered in one `render --quotes` run to HTML, Word and PDF. Prints the load average, the wall
# and CPU time and peak memory of each run, and fails when a PDF has a Type 3 font.
#
#   scripts/bench_documents.sh                 # 1,000 quotes, every format
#   QUOTES=100 FORMATS="html pdf" scripts/bench_documents.sh
#   PDF_ENGINE=chromium QUOTES=40 FORMATS=pdf scripts/bench_documents.sh
#   NO_BUILD=1 ...                             # use target/release/coverwright as it is
#
# PDFs are made with PDF_ENGINE (default typst, the built-in typesetter; or chromium).
# The census is deterministic: quote n has the ten members of examples/ga-sme-census.csv
# with the id's last four digits replaced by n, so every quote has its own quote id. Outputs
# go to a scratch folder (BENCH_DIR, default a temporary folder).
set -euo pipefail
cd "$(dirname "$0")/.."

QUOTES=${QUOTES:-1000}
FORMATS=${FORMATS:-html docx pdf}
DIR=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$DIR"
PDF_ENGINE=${PDF_ENGINE:-typst}
BIN=target/release/coverwright

[ -n "${NO_BUILD:-}" ] || cargo build --release --quiet
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
  echo "load average before $format: $(cut -d' ' -f1-3 /proc/loadavg)"
  /usr/bin/time -f "%e %U %S %M" -o "$DIR/time-$format" \
    "$BIN" render --quotes "$DIR/quotes.jsonl" --document policy --lang zh --format "$format" \
    --output-dir "$DIR/$format" --pdf-engine "$PDF_ENGINE"
  read -r wall user sys rss <"$DIR/time-$format"
  files=$(ls "$DIR/$format" | wc -l)
  printf '%s: %d files, %s s wall, %s + %s s CPU (user + sys), %s ms CPU a document, %s KB peak RSS\n' \
    "$format" "$files" "$wall" "$user" "$sys" \
    "$(awk -v u="$user" -v s="$sys" -v n="$files" 'BEGIN { printf "%.1f", n ? (u + s) * 1000 / n : 0 }')" "$rss"
  if [ "$format" = pdf ]; then
    # Every font embedded as a real font: no Type 3 in any PDF of the run.
    type3=0
    for f in "$DIR"/pdf/*.pdf; do
      if pdffonts "$f" | awk 'NR > 2' | grep -q 'Type 3'; then
        echo "Type 3 font in $f"; type3=$((type3 + 1))
      fi
    done
    first=$(ls "$DIR"/pdf/*.pdf | head -1)
    echo "pdf ($PDF_ENGINE): $type3 file(s) with a Type 3 font; $(pdfinfo "$first" | awk '/^Pages:/ {print $2}') page(s) in $(basename "$first"); fonts:"
    pdffonts "$first"
    [ "$type3" -eq 0 ]
  fi
done
