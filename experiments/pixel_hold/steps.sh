#!/bin/sh
# Pixel runs judged per env step: 100 unseen games capped at 1000 every 5 M env steps, to 90 M,
# with train's pixel defaults (the hold included) unless options say otherwise.
# Usage: sh steps.sh NAME "SEEDS" [train options...]; logs and run folders go to runs/pixel_hold
# at the project's root (not committed), or $PIXEL_LOGS; summarize.py of mastery_steps reads them.
name=$1; seeds=$2; shift 2
logs=${PIXEL_LOGS:-$(cd "$(dirname "$0")/../.." && pwd)/runs/pixel_hold}
mkdir -p "$logs"
for seed in $seeds; do
  flappy-pg train --obs pixels --seed "$seed" --steps 90000000 --seconds 0 --target-score 0 \
    --eval-every-steps 5000000 --eval-episodes 100 --no-snapshots \
    --runs "$logs/runs" --out "$logs/ckpt" --name "$name-s$seed" "$@" > "$logs/$name-s$seed.log" 2>&1
done
