#!/bin/sh
# The pixel defaults as issue 38 measures them: bench train, two seeds at a time on one core each,
# 100 unseen games capped at 1000 every 60 s of training, rows at the marks in CSV.
# Usage: sh run.sh SEEDS CSV. default_900s.csv is `sh run.sh 0,1 default_900s.csv` on the code
# before the hold (commit 8e35aef); on today's code the pixel defaults hold, and
# `--hold-games 0 --hold-lr 0` is not a bench option, so that run needs that checkout.
cd "$(dirname "$0")"
flappy-pg bench train --obs pixels --seeds "${1:-0,1}" --marks 60,120,300,600,900 \
  --check-every 60 --jobs 2 --csv "${2:?name the CSV}"
