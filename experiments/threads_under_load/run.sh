#!/usr/bin/env bash
# Issue 41, item 5: `train --threads 2` against `--threads 1`, with the machine quiet and with one
# other CPU-bound process running, side by side in one run (pairs alternate which goes first).
# Usage: bash experiments/threads_under_load/run.sh OUT_DIR
set -euo pipefail
out=${1:-/tmp/threads_under_load}
mkdir -p "$out"
cd "$out"
echo "pair,load,threads,env_steps,train_seconds,env_steps_per_s"
rate() { sed -n 's/^stopped: .*; \([0-9,]*\) env steps in \([0-9.]*\)s of training.*/\1 \2/p' "$1" | tr -d ,; }
for load in quiet busy; do
  hog=""
  if [ "$load" = busy ]; then python3 -c "while True: pass" & hog=$!; fi
  for pair in 1 2 3; do
    if [ $((pair % 2)) -eq 1 ]; then order="2 1"; else order="1 2"; fi
    for threads in $order; do
      name="$load-t$threads-$pair"
      flappy-pg train --seed 0 --seconds 15 --target-score 0 --eval-every-steps 0 \
        --threads "$threads" --name "$name" > "$name.log" 2>&1
      read -r steps seconds < <(rate "$name.log")
      echo "$pair,$load,$threads,$steps,$seconds,$(python3 -c "print(round($steps / $seconds))")"
    done
  done
  if [ -n "$hog" ]; then kill "$hog"; fi
done
