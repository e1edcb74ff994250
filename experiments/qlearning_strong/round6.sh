# Round 6: a coarser gap-after-next (4 bins) and fewer games per table.
cd "$(dirname "$0")/../.."
while pgrep -f round5.sh > /dev/null; do sleep 5; done
run() { name=$1; shift; python experiments/qlearning_strong/qlearn_strong_runs.py "$@" > experiments/qlearning_strong/$name.log 2>&1; }
export QL_EVAL_EVERY=20e6
run gamma95_next80_seed0 0 300e6 experiments/qlearning_strong/evaluations/gamma95_next80_seed0.csv gamma=0.95 next_cell=80 &
run gamma95_games64_seed0 0 300e6 experiments/qlearning_strong/evaluations/gamma95_games64_seed0.csv gamma=0.95 games=64 &
wait
