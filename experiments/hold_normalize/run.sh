#!/bin/sh
# Advantages normalized or not, and when, on the features' 32-game defaults, judged per env step
# with mastery_steps' protocol (100 unseen games at the 1000 cap every 10 M env steps, to 90 M).
# Logs in runs/hold_normalize at the project's root (not committed); summarize with
# python experiments/mastery_steps/summarize.py runs/hold_normalize/runs
# Usage: sh run.sh NAME "SEEDS" [train options...], e.g. sh run.sh raw "5 6" --no-normalize
here=$(cd "$(dirname "$0")/../.." && pwd)
export MASTERY_LOGS="${MASTERY_LOGS:-$here/runs/hold_normalize}"
exec sh "$here/experiments/mastery_steps/run.sh" "$@"
