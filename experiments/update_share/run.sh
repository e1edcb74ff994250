#!/bin/sh
# update_share and the hold on the features defaults, judged per env step as in mastery_steps:
# 100 unseen games every 10 M env steps to 90 M, one run at a time beside one other job (one
# thread each; a step budget, so a shared machine changes no figure but the env steps/s).
# Logs: runs/update_share at the project's root (not committed). Usage: sh run.sh [VARIANTS]
here=$(cd "$(dirname "$0")/../.." && pwd)
export MASTERY_LOGS=$here/runs/update_share
run() { sh "$here/experiments/mastery_steps/run.sh" "$@"; }
for variant in ${1:-us25 hold}; do
  case $variant in
    us25) run us25 "0 1" --update-share 0.25 ;;
    hold) run hold "0 1 2" --hold-games 512 --hold-lr 0.001 ;;
  esac
done
python "$here/experiments/mastery_steps/summarize.py" "$MASTERY_LOGS/runs"
