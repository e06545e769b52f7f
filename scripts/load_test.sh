#!/usr/bin/env bash
# Load test of the quoting service (`coverwright serve`): wrk on the same machine (one thread),
# 32 connections, against the release build, for
#   - SP-ACC, one member (examples/sp-acc.yaml as JSON)       target >= 5,000 quotes/s, p99 <= 10 ms
#   - GA-SME, a ten-member census (examples/ga-sme.yaml with examples/ga-sme-census.csv)
#                                                             target >= 2,000 quotes/s
# Prints wrk's throughput and latency percentiles, the non-2xx count, the service's RSS at the
# start and end of each run (flat within 10% is the target) and the load average before each.
#
#   scripts/load_test.sh                  # 60 s per product
#   DURATION=20s scripts/load_test.sh
#   THREADS=1 scripts/load_test.sh        # service worker threads (default: all cores)
#   WRK_THREADS=2 scripts/load_test.sh    # wrk threads (default 1)
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-60s}
CONNECTIONS=${CONNECTIONS:-32}
# One wrk thread drives 32 connections at well over 10,000 requests/s; on two cores a second
# one only takes CPU from the service. The service's tokio workers default to the cores.
WRK_THREADS=${WRK_THREADS:-1}
DIR=$(mktemp -d)
BIN=${BIN:-target/release/coverwright}   # BIN=... NO_BUILD=1: another build

if ! command -v wrk >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
[ -n "${NO_BUILD:-}" ] || cargo build --release --quiet   # NO_BUILD=1: the binary as built

# The request bodies: JSON text written here (no YAML reader needed).
cat > "$DIR/sp-acc.json" <<'JSON'
{"product":"SP-ACC","request":{"start":"2025-03-01","term":12,"policyholder":{"name":"周建华","id":"92330105MA2XXXXXXA","industry":"catering"},"members":[{"name":"周建华","id":"330105198206154312","age":43,"gender":"male","occupation_class":2,"social_insurance":true}],"coverages":{"add":{"sum_insured":300000},"medical":{"sum_insured":20000,"deductible":200,"ratio":0.8}}}}
JSON
python3 - "$DIR/ga-sme.json" <<'PY'
import json, sys
census = open("examples/ga-sme-census.csv", encoding="utf-8").read()
body = {
    "product": "GA-SME",
    "census": census,
    "request": {
        "start": "2025-03-01", "term": 12,
        "policyholder": {"name": "杭州某某餐饮有限公司", "id": "91330100MA2XXXXXXX",
                         "industry": "catering", "employees": 12, "revenue": 600},
        "coverages": {"add": {"sum_insured": 500000},
                      "medical": {"sum_insured": 20000, "deductible": 100, "ratio": 0.9},
                      "allowance": {"daily": 50, "tier": 3, "deductible_days": 3}},
    },
}
open(sys.argv[1], "w", encoding="utf-8").write(json.dumps(body, ensure_ascii=False))
PY

ARGS=(serve --listen 127.0.0.1:0 --log-level "${LOG_LEVEL:-warn}")
[ -n "${THREADS:-}" ] && ARGS+=(--threads "$THREADS")
"$BIN" "${ARGS[@]}" > "$DIR/serve.out" 2> "$DIR/serve.log" &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$DIR"' EXIT
for _ in $(seq 100); do grep -q listening "$DIR/serve.out" && break; sleep 0.1; done
ADDR=$(sed -n 's/^listening on //p' "$DIR/serve.out")
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "service: $ADDR (pid $PID), wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION"

rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$PID/status"; }
# CPU seconds (user + system) the service has used so far.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$PID/stat"; }
quotes() { curl -s "http://$ADDR/metrics" | awk '/^coverwright_quotes_total/ {n += $2} END {print n + 0}'; }

for name in sp-acc ga-sme; do
  # Both bodies quote (200) and equal what the CLI would print; check once before loading.
  code=$(curl -s -o "$DIR/$name.out" -w '%{http_code}' -X POST --data-binary @"$DIR/$name.json" "http://$ADDR/v1/quotes")
  [ "$code" = 200 ] || { echo "$name: status $code"; cat "$DIR/$name.out"; exit 1; }
  # Warm up, then measure.
  BODY="$DIR/$name.json" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d5s -s scripts/load_test.lua "http://$ADDR" > /dev/null
  echo
  echo "== $name: load average $(cut -d' ' -f1-3 /proc/loadavg), RSS before $(rss)"
  c0=$(cpu); q0=$(quotes)
  BODY="$DIR/$name.json" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s scripts/load_test.lua "http://$ADDR"
  c1=$(cpu); q1=$(quotes)
  echo "RSS after $(rss); service CPU $(awk -v a="$c0" -v b="$c1" -v n="$((q1 - q0))" 'BEGIN {printf "%.2f s for %d quotes: %.0f us per quote", b - a, n, (b - a) * 1e6 / n}')"
done
echo
curl -s "http://$ADDR/metrics" | grep -E '^coverwright_(quotes|errors)_total' || true
