#!/usr/bin/env bash
# Benchmarks: batch quoting of a synthetic 1,000,000-member group accident census (JSON Lines
# and CSV, one and two threads), the same book re-rated by a pandas script
# (scripts/bench_pandas.py), product validation and one quote process. Prints wall time, CPU
# time (user + sys), records per second, peak RSS and the load average at the start of each run.
#
#   scripts/bench.sh            # 1,000,000 members
#   MEMBERS=100000 scripts/bench.sh
#   PANDAS=0 scripts/bench.sh   # without the pandas comparison
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

# timed FILE CMD...: runs CMD under /usr/bin/time -v, writing its report to FILE.
timed() {
  local file=$1
  shift
  /usr/bin/time -v -o "$file" "$@"
}
# figures FILE: "wall W s, CPU C s (user U + sys S), peak RSS R MB" from a /usr/bin/time -v report.
figures() {
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
    /User time/ { u = $2 } /System time/ { s = $2 }
    /Maximum resident set size/ { r = $2 / 1024 }
    END { printf "wall %.2f s, CPU %.2f s (user %.2f + sys %.2f), peak RSS %.1f MB", w, u + s, u, s, r }' "$1"
}
# seconds FILE KIND: wall or cpu seconds of a /usr/bin/time -v report.
seconds() {
  awk -F': ' -v kind="$2" '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
    /User time/ { u = $2 } /System time/ { s = $2 }
    END { if (kind == "wall") print w; else print u + s }' "$1"
}
load() { cut -d' ' -f1-3 /proc/loadavg; }

# run NAME ARGS...: one batch run, with wall and CPU time, peak RSS and output size.
run() {
  local name=$1
  shift
  rm -f "$DIR/out.jsonl"
  local l
  l=$(load)
  timed "$DIR/time.txt" "$BIN" batch "$@" --output "$DIR/out.jsonl" 2>"$DIR/err.txt" || true
  local summary size
  summary=$(grep '^batch:' "$DIR/err.txt" || cat "$DIR/err.txt")
  size=$(du -m "$DIR/out.jsonl" | cut -f1)
  echo "$name"
  echo "  $(figures "$DIR/time.txt"), output ${size} MB (load average before: $l)"
  echo "  $summary"
}

# 1. The issue's command: per member, three coverages, monthly instalments, no worksheet.
#    GA-SME declines a quote with fewer than 3 members (rule min_members), so every record
#    is a decline line.
run "GA-SME per member (3 coverages, --plan monthly)" \
  --product GA-SME --input "$DIR/members-$MEMBERS.csv" --request examples/ga-sme.yaml \
  --per member --plan monthly
# 2. The same members in companies of 3 to 17 (one quote per company): full rating of every
#    member with three coverages and a monthly instalment schedule per quote, as CSV: one row
#    per member and one per quote (--quotes-output), with one and with two worker threads;
#    the outputs must be the same bytes. Then the same book as JSON Lines.
# 2b. The same book as CSV: one row per member and one per quote (--quotes-output), with one
#     and with two worker threads; the outputs must be the same bytes.
GROUPED=(--product GA-SME --input "$DIR/groups-$MEMBERS.csv" --request examples/ga-sme.yaml
  --per group --group-column company --plan monthly)
for t in 1 2; do
  l=$(load)
  timed "$DIR/time-csv-$t.txt" "$BIN" batch "${GROUPED[@]}" --threads "$t" --format csv \
    --output "$DIR/members-$t.csv" --quotes-output "$DIR/quotes-$t.csv" 2>"$DIR/err.txt" || true
  echo "GA-SME per group of ~10, --format csv, --threads $t"
  echo "  $(figures "$DIR/time-csv-$t.txt"), output $(du -m "$DIR/members-$t.csv" | cut -f1) MB + $(du -m "$DIR/quotes-$t.csv" | cut -f1) MB (load average before: $l)"
  echo "  $(grep '^batch:' "$DIR/err.txt" || cat "$DIR/err.txt")"
done
if cmp -s "$DIR/members-1.csv" "$DIR/members-2.csv" && cmp -s "$DIR/quotes-1.csv" "$DIR/quotes-2.csv"; then
  echo "  --threads 1 and 2: the same bytes"
else
  echo "  --threads 1 and 2: DIFFERENT OUTPUTS"
fi
for t in 1 2; do
  l=$(load)
  timed "$DIR/time-jsonl-$t.txt" "$BIN" batch "${GROUPED[@]}" --threads "$t" --output "$DIR/out-$t.jsonl" 2>/dev/null || true
  echo "GA-SME per group of ~10, JSON Lines, --threads $t"
  echo "  $(figures "$DIR/time-jsonl-$t.txt"), output $(du -m "$DIR/out-$t.jsonl" | cut -f1) MB (load average before: $l)"
done
if cmp -s "$DIR/out-1.jsonl" "$DIR/out-2.jsonl"; then
  echo "  --threads 1 and 2: the same bytes"
else
  echo "  --threads 1 and 2: DIFFERENT OUTPUTS"
fi
rm -f "$DIR/out-1.jsonl" "$DIR/out-2.jsonl"

# 2c. The same book re-rated by pandas (scripts/bench_pandas.py) in a virtual environment.
if [ "${PANDAS:-1}" != 0 ]; then
  VENV=${BENCH_VENV:-$DIR/venv}
  if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import pandas' 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet pandas
  fi
  l=$(load)
  timed "$DIR/time-pandas.txt" "$VENV/bin/python" scripts/bench_pandas.py \
    --census "$DIR/groups-$MEMBERS.csv" --members-out "$DIR/pandas-members.csv" \
    --companies-out "$DIR/pandas-companies.csv" >"$DIR/pandas.txt"
  echo "pandas (scripts/bench_pandas.py, pandas $("$VENV/bin/python" -c 'import pandas; print(pandas.__version__)'))"
  echo "  $(figures "$DIR/time-pandas.txt"), output $(du -m "$DIR/pandas-members.csv" | cut -f1) MB + $(du -m "$DIR/pandas-companies.csv" | cut -f1) MB (load average before: $l)"
  echo "  $(cat "$DIR/pandas.txt")"
  engine=$(awk -F, 'NR > 1 && $4 == "quoted" { split($6, a, "."); t += a[1] * 100 + a[2] } END { printf "%d.%02d", t / 100, t % 100 }' "$DIR/quotes-2.csv")
  script=$(awk '{ print $3 }' "$DIR/pandas.txt")
  if [ "$engine" = "$script" ]; then
    echo "  total premium: engine $engine, pandas $script: the same to the fen"
  else
    echo "  total premium: engine $engine, pandas $script: DIFFERENT"
  fi
  for t in 1 2; do
    awk -v pw="$(seconds "$DIR/time-pandas.txt" wall)" -v pc="$(seconds "$DIR/time-pandas.txt" cpu)" \
      -v ew="$(seconds "$DIR/time-csv-$t.txt" wall)" -v ec="$(seconds "$DIR/time-csv-$t.txt" cpu)" -v t="$t" \
      'BEGIN { printf "  pandas / engine (csv, --threads %d): wall %.1f×, CPU %.1f×\n", t, pw / (ew > 0 ? ew : 0.01), pc / (ec > 0 ? ec : 0.01) }'
  done
fi

# 3. One full quote per member: SP-ACC (sole proprietor accident, 2 coverages).
run "SP-ACC per member (2 coverages, --plan monthly)" \
  --product SP-ACC --input "$DIR/members-$MEMBERS.csv" --request examples/sp-acc.yaml \
  --per member --plan monthly
rm -f "$DIR/out.jsonl"

# validate and one quote process.
if command -v hyperfine >/dev/null 2>&1; then
  hyperfine -N --warmup 3 --runs 30 --export-json "$DIR/hyperfine.json" "$BIN validate products" \
    "$BIN quote --product GA-SME --request examples/ga-sme.yaml --format json"
  l=$(load)
  python3 - "$DIR/hyperfine.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    name = "validate products" if " validate " in r["command"] else "one quote process"
    goal = 50 if name.startswith("validate") else 10
    ms = r["mean"] * 1000
    print(f"{name}: mean {ms:.1f} ms wall, {r['user'] * 1000:.1f} ms user + {r['system'] * 1000:.1f} ms sys"
          f" (target {goal} ms: {'met' if ms <= goal else 'not met'})")
PY
  echo "  (load average after: $l)"
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

# The targets of the portfolio-speed issue, against what this run measured.
echo
echo "targets (1,000,000-member grouped book; measured with --threads 2):"
target() { # NAME FILE: wall, CPU and RSS of a /usr/bin/time -v report against the targets
  awk -F': ' -v name="$1" -v wmax="$3" -v cmax="$4" '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
    /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident set size/ { r = $2 / 1024 }
    END {
      c = u + s
      printf "  %-12s wall %.2f s (target %s s: %s)", name, w, wmax, w <= wmax ? "met" : "not met"
      if (cmax != "") printf ", CPU %.2f s (target %s s: %s)", c, cmax, c <= cmax ? "met" : "not met"
      printf ", peak RSS %.1f MB (target 100 MB: %s)\n", r, r <= 100 ? "met" : "not met"
    }' "$2"
}
target "csv" "$DIR/time-csv-2.txt" 0.6 1.2
target "JSON Lines" "$DIR/time-jsonl-2.txt" 2.0 ""
