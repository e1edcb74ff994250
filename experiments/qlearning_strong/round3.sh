# Round 3: the product's new defaults (QConfig()), through QLearner, seeds 0-2; and γ 0.95.
cd "$(dirname "$0")/../.."
run() { name=$1; shift; python experiments/qlearning_strong/qlearn_strong_runs.py "$@" > experiments/qlearning_strong/$name.log 2>&1; }
QL_SAVE=1 run defaults_seeds012 0,1,2 60e6 experiments/qlearning_strong/evaluations/defaults_seeds012.csv &
run gamma95_seeds012 0,1,2 60e6 experiments/qlearning_strong/evaluations/gamma95_seeds012.csv gamma=0.95 &
wait
