#!/bin/bash
# Per-env-step early learning of one variant on seeds 0-4 (or $SEEDS): run_reinforce.py's greedy
# evaluation (100 games, seeds 1,000,000+) every 5 M env steps up to 45 M, one torch thread.
#   bash experiments/entropy_floor/run_variant.sh NAME 'JSON settings'
name=$1; settings=$2
cd "$(dirname "$0")/../.."
for seed in ${SEEDS:-0 1 2 3 4}; do
  json=$(python -c "import json,sys; d=json.loads(sys.argv[1]); d.update(seed=$seed, torch_threads=1); print(json.dumps(d))" "$settings")
  echo "== $name seed $seed $json"
  python experiments/tools/run_reinforce.py "$json" 45M 5M,10M,15M,20M,25M,30M,35M,40M --greedy-only
done > experiments/entropy_floor/$name.log 2>&1
