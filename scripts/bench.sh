#!/usr/bin/env bash
# Benchmarks: batch quoting of a synthetic 1,000,000-member group accident census, product
# validation and one quote process. Prints wall time, records per second and peak RSS.
#
#   scripts/bench.sh            # 1,000,000 members
#   MEMBERS=100000 scripts/bench.sh
#
# The census is generated with a fixed seed (scripts/gen_census.py), so every run prices the
# same members. Outputs go to a scratch folder (BENCH_DIR, default a temporary folder).
set -euo pipefail
cd "$(dirname "$0")/.."

MEMBERS=${MEMBERS:-1000000}
SEED=${SEED:-2025}
DIR=${BENCH_DIR:-$(mktemp -d)}
BIN=target/release/coverwright

if [ ! -x /usr/bin/time ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
cargo build --release --quiet

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GB"
echo "scratch: $DIR"

[ -f "$DIR/members-$MEMBERS.csv" ] || python3 scripts/gen_census.py --members "$MEMBERS" --seed "$SEED" --out "$DIR/members-$MEMBERS.csv"
[ -f "$DIR/groups-$MEMBERS.csv" ] || python3 scripts/gen_census.py --members "$MEMBERS" --seed "$SEED" --group-size 10 --out "$DIR/groups-$MEMBERS.csv"

# run NAME ARGS...: one batch run, with wall time, records per second and peak RSS.
run() {
  local name=$1
  shift
  rm -f "$DIR/out.jsonl"
  /usr/bin/time -v -o "$DIR/time.txt" "$BIN" batch "$@" --output "$DIR/out.jsonl" 2>"$DIR/err.txt" || true
  local wall rss summary size
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$DIR/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f MB", $2/1024}' "$DIR/time.txt")
  summary=$(grep '^batch:' "$DIR/err.txt" || cat "$DIR/err.txt")
  size=$(du -m "$DIR/out.jsonl" | cut -f1)
  echo "$name"
  echo "  wall $wall, peak RSS $rss, output ${size} MB"
  echo "  $summary"
}

# 1. The issue's command: per member, three coverages, monthly instalments, no worksheet.
#    GA-SME declines a quote with fewer than 3 members (rule min_members), so every record
#    is a decline line.
run "GA-SME per member (3 coverages, --plan monthly)" \
  --product GA-SME --input "$DIR/members-$MEMBERS.csv" --request examples/ga-sme.yaml \
  --per member --plan monthly
# 2. The same members in companies of 3 to 17 (one quote per company): full rating of every
#    member with three coverages and a monthly instalment schedule per quote.
run "GA-SME per group of ~10 (3 coverages, --plan monthly)" \
  --product GA-SME --input "$DIR/groups-$MEMBERS.csv" --request examples/ga-sme.yaml \
  --per group --group-column company --plan monthly
# 3. One full quote per member: SP-ACC (sole proprietor accident, 2 coverages).
run "SP-ACC per member (2 coverages, --plan monthly)" \
  --product SP-ACC --input "$DIR/members-$MEMBERS.csv" --request examples/sp-acc.yaml \
  --per member --plan monthly
rm -f "$DIR/out.jsonl"

# validate and one quote process.
if command -v hyperfine >/dev/null 2>&1; then
  hyperfine --warmup 3 "$BIN validate products" \
    "$BIN quote --product GA-SME --request examples/ga-sme.yaml --format json"
else
  ms() {
    local n=20 t0 t1
    t0=$(date +%s%N)
    for _ in $(seq $n); do "$@" >/dev/null 2>&1 || true; done
    t1=$(date +%s%N)
    echo "$(( (t1 - t0) / n / 1000000 )) ms"
  }
  echo "validate products/: $(ms "$BIN" validate products) (mean of 20)"
  echo "one quote process (GA-SME example, JSON): $(ms "$BIN" quote --product GA-SME --request examples/ga-sme.yaml --format json) (mean of 20)"
fi
