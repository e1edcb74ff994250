#!/bin/bash
# The hidden-layer grid of experiments/pixel_hidden/NOTES.md: whole pairs (the default input),
# 64 (the default), 32 or 16 tanh units, two runs at a time (a step budget, so running them side
# by side changes no figure), one BLAS thread each.
cd "$(dirname "$0")/../.."
out=experiments/pixel_hidden/steps.csv
[ -s $out ] || echo "setting,seed,env_steps,train_s,mean,capped,entropy" > $out
run() { OPENBLAS_NUM_THREADS=1 python experiments/pixel_input/steps.py "$1" "$2" 5000000 1000000 "$3" >> $out; }
for seed in 0 1; do
  run hidden-32 $seed '{"hidden": [32]}' &
  run hidden-16 $seed '{"hidden": [16]}' &
  wait
done
