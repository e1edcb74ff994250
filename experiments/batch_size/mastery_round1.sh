#!/bin/sh
# Round 1 of the mastery experiments (issue 9): seed 0, 300 s each, one at a time.
cd "$(dirname "$0")/../.."
run() { echo "== $1"; python experiments/tools/run_reinforce.py "$1" 300 60,150 --greedy-only; }
run '{}'
run '{"min_deaths": 256}'
run '{"lr_half_life_steps": 50000000}'
run '{"min_deaths": 256, "lr_half_life_steps": 50000000}'
