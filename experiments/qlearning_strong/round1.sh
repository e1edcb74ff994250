# Round 1: fine grid, online updates, 256 games; 200 M env steps each, two at a time.
cd "$(dirname "$0")/../.."
run() { name=$1; shift; python experiments/qlearning_strong/qlearn_fine.py 0 200e6 experiments/qlearning_strong/evaluations/$name.csv "$@" > experiments/qlearning_strong/$name.log 2>&1; }
run base_seed0 &
run gamma95_seed0 gamma=0.95 &
wait
run alpha03_seed0 alpha=0.3 &
run rise0_seed0 rise=0 &
wait
