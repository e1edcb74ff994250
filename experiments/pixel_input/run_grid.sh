#!/bin/bash
# The input grid of experiments/pixel_input/NOTES.md: two runs at a time (a step budget, so
# running them side by side changes no figure), one BLAS thread each.
cd "$(dirname "$0")/../.."
out=experiments/pixel_input/steps.csv
[ -s $out ] || echo "setting,seed,env_steps,train_s,mean,capped,entropy" > $out
run() { OPENBLAS_NUM_THREADS=1 python experiments/pixel_input/steps.py "$1" "$2" 5000000 1000000 "$3" >> $out; }
for seed in 0 1; do
  run pair-whole $seed '{"pixel_rows": [0, 64], "pixel_past_columns": [4, 24]}' &
  run cut $seed '{"pixel_rows": [0, 51], "pixel_past_columns": [7, 11]}' &
  wait
  run rows-cut $seed '{"pixel_rows": [0, 51], "pixel_past_columns": [4, 24]}' &
  run past-cut $seed '{"pixel_rows": [0, 64], "pixel_past_columns": [7, 11]}' &
  wait
done
