#!/bin/sh
# The session chain after an environment restart killed it at 157 s of the shipped policy's
# training: resume that run in place (identical next update), then gradlab and the benchmark.
cd "$(dirname "$0")/.."
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
( time flappy-pg train --resume /tmp/ship/pretrained/latest.pt --runs /tmp/shipruns ) >> experiments/pretrained_train.log 2>&1
( time flappy-pg gradlab --out docs/gradlab ) > experiments/gradlab_default.log 2>&1
flappy-pg bench train --seeds 0,1,2,3,4 --marks 60,120,300,600 --csv experiments/bench_train_defaults.csv \
  > experiments/bench_train_defaults.log 2> experiments/bench_train_defaults.progress
