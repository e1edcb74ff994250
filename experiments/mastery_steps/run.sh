#!/bin/sh
# One variant of train's defaults on several seeds, judged per env step: 100 unseen games every
# 10 M env steps, to 90 M. Usage: sh run.sh NAME "SEEDS" [train options...]
# Logs go to runs/mastery at the project's root (ignored by git), or $MASTERY_LOGS; summarize.py
# reads them.
name=$1; seeds=$2; shift 2
logs=${MASTERY_LOGS:-$(cd "$(dirname "$0")/../.." && pwd)/runs/mastery}
mkdir -p "$logs"
for seed in $seeds; do
  flappy-pg train --seed "$seed" --steps 90000000 --seconds 0 --target-score 0 \
    --eval-every-steps 10000000 --eval-episodes 100 --no-snapshots \
    --runs "$logs/runs" --out "$logs/ckpt" --name "$name-s$seed" "$@" \
    > "$logs/$name-s$seed.log" 2>&1
done
