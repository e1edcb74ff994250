#!/bin/sh
# Fewer games per batch (more updates per env step) on the features, judged per env step with
# mastery_steps' protocol (100 unseen games at the 1000 cap every 10 M env steps).
# Logs in runs/small_batches at the project's root (not committed); summarize with
# python experiments/mastery_steps/summarize.py runs/small_batches/runs
# Usage: sh run.sh NAME "SEEDS" [train options...], e.g. sh run.sh g32 "5 6" --games 32
here=$(cd "$(dirname "$0")/../.." && pwd)
export MASTERY_LOGS="${MASTERY_LOGS:-$here/runs/small_batches}"
exec sh "$here/experiments/mastery_steps/run.sh" "$@"
