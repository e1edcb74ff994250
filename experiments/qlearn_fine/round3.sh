# Round 3: the product's new defaults (QConfig()), through QLearner, seeds 0-2; and γ 0.95.
cd /work/main
run() { name=$1; shift; python experiments/qlearn_strong_runs.py "$@" > experiments/qlearn_fine/$name.log 2>&1; }
QL_SAVE=1 run defaults_seeds012 0,1,2 60e6 experiments/qlearn_fine/defaults_seeds012.csv &
run gamma95_seeds012 0,1,2 60e6 experiments/qlearn_fine/gamma95_seeds012.csv gamma=0.95 &
wait
