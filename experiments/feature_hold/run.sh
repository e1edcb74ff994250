#!/bin/sh
# Features, judged per env step with mastery_steps' protocol (100 unseen games every 10 M env
# steps, to 90 M): a hold that begins at 90% of a batch's new games at the cap, and a shorter
# tail. Logs in runs/feature_tail at the project's root (not committed).
# Usage: sh run.sh [hold512|hold256|tail300]
here=$(cd "$(dirname "$0")/../.." && pwd)
export MASTERY_LOGS="$here/runs/feature_tail"
case $1 in
  hold512) sh "$here/experiments/mastery_steps/run.sh" hs90g512 "0" --hold-games 512 \
             --hold-lr 0.001 --hold-share 0.9 ;;
  hold256) sh "$here/experiments/mastery_steps/run.sh" hs90lr1e3 "1" --hold-lr 0.001 \
             --hold-share 0.9 ;;
  tail300) sh "$here/experiments/mastery_steps/run.sh" tail300h64 "0 1" --truncated-tail 300 ;;
  *) echo "usage: sh run.sh hold512|hold256|tail300" >&2; exit 2 ;;
esac
