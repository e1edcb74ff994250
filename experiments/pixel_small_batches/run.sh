#!/bin/sh
# Pixel runs with 32 games a batch (64 in the hold), judged per env step: pixel_hold's steps.sh
# to 60 M (100 unseen games at the 1000 cap every 5 M), then the first 3 M checked every 1 M.
# Usage: sh run.sh "SEEDS"; logs in runs/pixel_small and runs/pixel_early (not committed).
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
for seed in $1; do
  PIXEL_LOGS="$root/runs/pixel_small" sh "$here/../pixel_hold/steps.sh" g32h64 "$seed" \
    --games 32 --hold-games 64 --steps 60000000
  flappy-pg train --obs pixels --games 32 --hold-games 64 --seed "$seed" --steps 3000000 \
    --seconds 0 --target-score 0 --eval-every-steps 1000000 --eval-episodes 100 --no-snapshots \
    --runs "$root/runs/pixel_early/runs" --out "$root/runs/pixel_early/ckpt" --name "g32-s$seed" \
    > "$root/runs/pixel_early/g32-s$seed.log" 2>&1
done
