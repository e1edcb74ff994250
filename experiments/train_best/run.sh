#!/bin/sh
# What a user gets from `flappy-pg train` with every default (600 s at most, stopping once the
# evaluation mean reaches 1000 and holds on 100 fresh games): its best.pt played on 100 more
# games no evaluation of the run has seen (seeds 7,000,000+).
# Usage: sh run.sh "SEEDS"; run folders go to runs/train_best at the project's root (not
# committed).
here=$(cd "$(dirname "$0")/../.." && pwd)
logs=$here/runs/train_best
mkdir -p "$logs"
for seed in $1; do
  flappy-pg train --seed "$seed" --no-snapshots --runs "$logs/runs" --out "$logs/ckpt" \
    --name "s$seed" > "$logs/s$seed.log" 2>&1
  flappy-pg eval "$logs/ckpt/s$seed/best.pt" --seed 7000000 > "$logs/s$seed-eval.log" 2>&1
done
