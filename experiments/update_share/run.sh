#!/bin/sh
# update_share and the hold on the features defaults, judged per env step as in mastery_steps:
# 100 unseen games every 10 M env steps to 90 M, one run at a time beside one other job (one thread each; a step
# budget, so running side by side changes no figure but the env steps/s, which run.sh reads
# from each run's updates.csv). Logs: runs/update_share at the project's root (not committed).
here=$(cd "$(dirname "$0")/../.." && pwd)
export MASTERY_LOGS=$here/runs/update_share
run() { sh "$here/experiments/mastery_steps/run.sh" "$@"; }
run us25 "0 1 2" --update-share 0.25
run us25hold "0 1 2" --update-share 0.25 --hold-games 512 --hold-lr 0.001
python "$here/experiments/mastery_steps/summarize.py" "$MASTERY_LOGS/runs"
