#!/bin/sh
# A lower training cap (--train-max-score) on the features' 32-game defaults, judged per env step
# with mastery_steps' protocol (100 unseen games at the 1000 cap every 10 M env steps, to 90 M).
# Logs in runs/train_cap at the project's root (not committed); summarize with
# python experiments/mastery_steps/summarize.py runs/train_cap/runs
# Usage: sh run.sh NAME "SEEDS" [train options...], e.g. sh run.sh cap50 "5 6" --train-max-score 50
here=$(cd "$(dirname "$0")/../.." && pwd)
export MASTERY_LOGS="${MASTERY_LOGS:-$here/runs/train_cap}"
exec sh "$here/experiments/mastery_steps/run.sh" "$@"
