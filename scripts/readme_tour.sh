#!/usr/bin/env bash
# Runs the README's tour block command by command, from the project folder, with the
# `coverwright` built from this checkout first on PATH; fails on the first command that fails.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
export PATH="$PWD/target/debug:$PATH"
block=$(awk '/^## A short tour/{t=1} t&&/^```sh/{f=1;next} f&&/^```/{exit} f{print}' README.md)
[ -n "$block" ] || { echo "readme_tour: no tour block in README.md" >&2; exit 1; }
n=0
while IFS= read -r line; do
  cmd="${line%%#*}"
  [ -z "${cmd// /}" ] && continue
  n=$((n + 1))
  echo "+ $cmd" >&2
  bash -o pipefail -c "$cmd" >/dev/null || { echo "readme_tour: failed: $cmd" >&2; exit 1; }
done <<< "$block"
echo "readme_tour: $n commands ran" >&2
