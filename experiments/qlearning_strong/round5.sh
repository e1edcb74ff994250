# Round 5: γ 0.95 plateaus at 87-98 of 100 capped: finer grids, a coarse gap-after-next, and a
# long run (the compare's 600 s give Q-learning about 10x round 4's 100 M env steps).
cd "$(dirname "$0")/../.."
while pgrep -f round4.sh > /dev/null; do sleep 5; done
run() { name=$1; shift; python experiments/qlearning_strong/qlearn_strong_runs.py "$@" > experiments/qlearning_strong/$name.log 2>&1; }
export QL_EVAL_EVERY=20e6
( run gamma95_cell2_seed0 0 300e6 experiments/qlearning_strong/evaluations/gamma95_cell2_seed0.csv gamma=0.95 cell=2
  run gamma95_cell3_seed1 1 300e6 experiments/qlearning_strong/evaluations/gamma95_cell3_seed1.csv gamma=0.95 cell=3 ) &
( run gamma95_next50_seed0 0 300e6 experiments/qlearning_strong/evaluations/gamma95_next50_seed0.csv gamma=0.95 next_cell=50
  QL_SAVE=1 run gamma95_long_seed1 1 600e6 experiments/qlearning_strong/evaluations/gamma95_long_seed1.csv gamma=0.95 ) &
wait
