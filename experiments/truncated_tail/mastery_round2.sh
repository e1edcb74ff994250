#!/bin/sh
# Round 2 of the mastery experiments (issue 9): the tail of capped training episodes left out
# of the update; 300 s each, one at a time.
cd "$(dirname "$0")/../.."
run() { echo "== $1"; python experiments/tools/run_reinforce.py "$1" 300 60,150 --greedy-only; }
run '{"truncated_tail": 300}'
run '{"truncated_tail": 300, "seed": 1}'
run '{"truncated_tail": 1000}'
