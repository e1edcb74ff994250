#!/bin/sh
# One after another, nothing else heavy alongside: the gradient lab with its defaults, then the
# learning benchmark of the defaults on seeds 0-4.
cd "$(dirname "$0")/.."
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
( time flappy-pg gradlab --out docs/gradlab ) > experiments/gradlab_default.log 2>&1
flappy-pg bench train --seeds 0,1,2,3,4 --marks 60,120,300,600 --check-every 20 --csv experiments/bench_train_defaults.csv \
  > experiments/bench_train_defaults.log 2> experiments/bench_train_defaults.progress
