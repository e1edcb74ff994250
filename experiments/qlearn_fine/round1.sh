# Round 1: fine grid, online updates, 256 games; 200 M env steps each, two at a time.
cd /work/main
run() { name=$1; shift; python experiments/qlearn_fine.py 0 200e6 experiments/qlearn_fine/$name.csv "$@" > experiments/qlearn_fine/$name.log 2>&1; }
run base_seed0 &
run gamma95_seed0 gamma=0.95 &
wait
run alpha03_seed0 alpha=0.3 &
run rise0_seed0 rise=0 &
wait
