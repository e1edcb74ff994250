#!/bin/bash
# The learning-rate and batch grid of experiments/pixel_lr/NOTES.md: two runs at a time (a step
# budget, so running them side by side changes no figure), one BLAS thread each.
cd "$(dirname "$0")/../.."
out=experiments/pixel_lr/steps.csv
[ -s $out ] || echo "setting,seed,env_steps,train_s,mean,capped,entropy" > $out
run() { OPENBLAS_NUM_THREADS=1 python experiments/pixel_input/steps.py "$1" "$2" 5000000 1000000 "$3" >> $out; }
run lr-2e-3 0 '{"lr": 0.002}' &
run lr-4e-3 0 '{"lr": 0.004}' &
wait
run games-32 0 '{"games": 32}' &
run games-32 1 '{"games": 32}' &
wait
