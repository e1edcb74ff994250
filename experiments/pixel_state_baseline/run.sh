#!/bin/sh
# The pixel defaults with the state baseline (V(s) on the game's 8 features), judged per env step
# (100 unseen games capped at 1000 every 5 M env steps, to 90 M), one run per seed, all at once;
# logs in runs/pixel_tail at the project's root (not committed).
# Usage: sh run.sh "SEEDS" (the runs of the notes: "0 1 2 3")
here=$(cd "$(dirname "$0")/../.." && pwd)
for seed in $1; do
  sh "$here/experiments/pixel_tail/steps.sh" state "$seed" --baseline state &
done
wait
