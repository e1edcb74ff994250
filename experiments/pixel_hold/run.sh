#!/bin/sh
# The pixel defaults with and without the hold (--hold-games 128 --hold-lr 0.0003), as issue 38
# measures them: bench train, two seeds at a time on one core each, 100 unseen games capped at
# 1000 every 60 s of training. Usage: sh run.sh [SEEDS, default 0,1]
cd "$(dirname "$0")"
seeds=${1:-0,1}
flappy-pg bench train --obs pixels --seeds "$seeds" --marks 60,120,300,600,900 --check-every 60 \
  --jobs 2 --csv hold_900s.csv
