# Round 4: γ 0.95 (steadier than 0.99 in round 3), seeds 0-4 to 100 M; γ 0.9; α decay; 1024 games.
cd "$(dirname "$0")/../.."
run() { name=$1; shift; python experiments/qlearning_strong/qlearn_strong_runs.py "$@" > experiments/qlearning_strong/$name.log 2>&1; }
QL_SAVE=1 run gamma95_seeds01234_100M 0,1,2,3,4 100e6 experiments/qlearning_strong/evaluations/gamma95_seeds01234_100M.csv gamma=0.95 &
( run gamma90_seeds012 0,1,2 60e6 experiments/qlearning_strong/evaluations/gamma90_seeds012.csv gamma=0.9
  run gamma95_decay1000_seeds012 0,1,2 60e6 experiments/qlearning_strong/evaluations/gamma95_decay1000_seeds012.csv gamma=0.95 alpha=0.3 alpha_decay=1000.0
  run gamma95_games1024_seeds012 0,1,2 60e6 experiments/qlearning_strong/evaluations/gamma95_games1024_seeds012.csv gamma=0.95 games=1024 ) &
wait
