#!/bin/sh
# Death replays (--replay-share) on the features' 32-game defaults with their hold, judged per
# env step with mastery_steps' protocol (100 unseen games at the 1000 cap every 10 M env steps,
# to 90 M). Logs in runs/small_replays at the project's root (not committed); summarize with
# python experiments/mastery_steps/summarize.py runs/small_replays/runs
# Usage: sh run.sh NAME "SEEDS" [train options...], e.g. sh run.sh r25 "5 6" --replay-share 0.25
here=$(cd "$(dirname "$0")/../.." && pwd)
export MASTERY_LOGS="${MASTERY_LOGS:-$here/runs/small_replays}"
exec sh "$here/experiments/mastery_steps/run.sh" "$@"
