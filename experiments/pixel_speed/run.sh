#!/bin/sh
# Pixel training env steps/s, the code before the layout path (BEFORE, a checkout) against this
# one, in alternating pairs on a quiet machine: a fresh run (60 s) and the shipped pixel policy
# resumed (30 s more of long, late-stage episodes; it was saved after 1,527 s).
# Usage: sh run.sh BEFORE_CHECKOUT OUT_FOLDER [STARTS, default "fresh resumed"]
before=$1; out=$2; starts=${3:-fresh resumed}; here=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
[ -f "$out/pairs.csv" ] || echo "code,start,env_steps,seconds,env_steps_per_s" > "$out/pairs.csv"
for pair in 1 2; do
  for code in before after; do
    tree=$here; [ "$code" = before ] && tree=$before
    for start in $starts; do
      name="$code-$start-$pair"
      if [ "$start" = fresh ]; then
        set -- --obs pixels --seed 0 --seconds 60
      else
        # the polished pixel policy shipped until 2026-12-07, whatever checkpoints/ holds now
        [ -f "$out/polished.pt" ] || git -C "$here" show e0b8352:checkpoints/reinforce-pixels.pt \
          > "$out/polished.pt"
        set -- --resume "$out/polished.pt" --seconds 1557 --steps 0
      fi
      (cd "$tree" && PYTHONPATH="$tree" python -m flappy_pg train "$@" --target-score 0 \
        --runs "$out/runs" --out "$out/ckpt" --name "$name" > "$out/$name.log" 2>&1)
      # from the first update to the last (a resumed run's counters start where its file was)
      awk -F, -v c="$code" -v s="$start" 'NR == 2 {e0 = $2; t0 = $4} END {
        printf "%s,%s,%d,%.1f,%.0f\n", c, s, $2 - e0, $4 - t0, ($2 - e0) / ($4 - t0)}' \
        "$out/runs/$name/updates.csv" >> "$out/pairs.csv"
    done
  done
done
cat "$out/pairs.csv"
