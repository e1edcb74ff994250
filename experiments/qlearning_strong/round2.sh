# Round 2: without the gap after next (rise=0), which learned far faster in round 1.
cd "$(dirname "$0")/../.."
run() { name=$1; shift; python experiments/qlearning_strong/qlearn_fine.py "$@" > experiments/qlearning_strong/$name.log 2>&1; }
run rise0_gamma95_seed0 0 100e6 experiments/qlearning_strong/evaluations/rise0_gamma95_seed0.csv rise=0 gamma=0.95
run rise0_seed1 1 100e6 experiments/qlearning_strong/evaluations/rise0_seed1.csv rise=0
run rise0_seed2 2 100e6 experiments/qlearning_strong/evaluations/rise0_seed2.csv rise=0
