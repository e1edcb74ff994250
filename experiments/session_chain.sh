#!/bin/sh
# One after another, nothing else heavy alongside: retrain the shipped policy with the new
# defaults, run the gradient lab with its defaults, then the learning benchmark on seeds 0-4.
cd "$(dirname "$0")/.."
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
rm -rf /tmp/ship /tmp/shipruns
( time flappy-pg train --seed 0 --name pretrained --out /tmp/ship --runs /tmp/shipruns ) > experiments/pretrained_train.log 2>&1
( time flappy-pg gradlab --out docs/gradlab ) > experiments/gradlab_default.log 2>&1
flappy-pg bench train --seeds 0,1,2,3,4 --marks 60,120,300,600 --csv experiments/bench_train_defaults.csv \
  > experiments/bench_train_defaults.log 2> experiments/bench_train_defaults.progress
