#!/usr/bin/env bash
# Does `train --watch` slow training? Pairs of the same run (seed 0, 45 s of training) without and
# with the window, alternating which goes first, one at a time, under a virtual display.
# Usage: xvfb-run -a -s "-screen 0 640x540x24" bash experiments/watch_speed/run.sh OUT_DIR
set -euo pipefail
out=${1:-/tmp/watch_speed}
mkdir -p "$out"
cd "$out"
echo "pair,mode,env_steps,train_seconds,env_steps_per_s"
rate() {  # the "stopped:" line: "... N env steps in S s of training ..."
  sed -n 's/^stopped: .*; \([0-9,]*\) env steps in \([0-9.]*\)s of training.*/\1 \2/p' "$1" | tr -d ,
}
for pair in 1 2 3; do
  if [ $((pair % 2)) -eq 1 ]; then order="headless watch"; else order="watch headless"; fi
  for mode in $order; do
    name="$mode-$pair"
    flag=""; [ "$mode" = watch ] && flag="--watch"
    flappy-pg train --seed 0 --seconds 45 --target-score 0 $flag --name "$name" > "$name.log" 2>&1
    read -r steps seconds < <(rate "$name.log")
    echo "$pair,$mode,$steps,$seconds,$(python -c "print(round($steps / $seconds))")"
  done
done
