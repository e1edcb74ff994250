#!/bin/sh
# pixel_hold's steps.sh (pixel runs judged per env step, to 90 M), logs in runs/pixel_tail.
# Usage: sh steps.sh NAME "SEEDS" [train options...]
here=$(cd "$(dirname "$0")/../.." && pwd)
PIXEL_LOGS="$here/runs/pixel_tail" exec sh "$here/experiments/pixel_hold/steps.sh" "$@"
