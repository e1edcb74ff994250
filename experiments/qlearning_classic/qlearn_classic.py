"""Reproduce the classic tabular bot (chncyhn/flappybird-qlearning-bot) per training episode.

Usage: python experiments/qlearning_classic/qlearn_classic.py SEEDS EPISODES OUT_CSV [key=value ...]
Trains `QConfig.classic(seed=...)` (one game, greedy, α 0.7, γ 1, 10-px grid, backward sweeps,
classic rewards), with any QConfig field overridden by key=value, for EPISODES episodes. Writes
every training episode's score (the classic bot's curve: its training games are greedy) and, every
500 episodes (QL_EVAL_EVERY), a greedy evaluation of the table on 100 unseen games (cap 10,000) to
OUT_CSV; with QL_SAVE=1 it also saves the table at each evaluation as OUT_CSV's name with
`-seedS-episodeN.npz` (loads in `flappy-pg qlearn eval`).
"""

import ast
import csv
import os
import sys
import time

import numpy as np

from flappy_pg.agents.evaluate import evaluate
from flappy_pg.agents.qlearning.algorithm import QLearner, table_actor
from flappy_pg.agents.qlearning.config import QConfig

EVAL_EVERY = int(os.environ.get("QL_EVAL_EVERY", "500"))  # episodes between evaluations
seeds = [int(s) for s in sys.argv[1].split(",")]
episodes, out = int(sys.argv[2]), sys.argv[3]
overrides = {k: ast.literal_eval(v) for k, v in (a.split("=", 1) for a in sys.argv[4:])}
overrides.setdefault("train_max_score", 10_000)
overrides.setdefault("max_episodes", episodes)
with open(out, "w", newline="") as f:
    writer = csv.writer(f)
    writer.writerow(["seed", "episode", "kind", "score", "env_steps", "seconds"])
    for seed in seeds:
        learner = QLearner(QConfig.classic(seed=seed, **overrides))
        done, start, history = 0, time.perf_counter(), []
        while done < episodes:
            stats = learner.step(256)
            for score in stats["scores"]:
                done += 1
                history.append(score)
                writer.writerow([seed, done, "train", score, learner.state.env_steps,
                                 f"{time.perf_counter() - start:.1f}"])
                if done % EVAL_EVERY == 0:
                    if os.environ.get("QL_SAVE") == "1":
                        learner.save(out.removesuffix(".csv") + f"-seed{seed}-episode{done}.npz")
                    r = evaluate(table_actor(learner.q, learner.binning), learner.config.game,
                                 episodes=100, seed=2_000_000, max_score=10_000)
                    writer.writerow([seed, done, "eval100", r.mean, learner.state.env_steps,
                                     f"{time.perf_counter() - start:.1f}"])
                    print(f"seed {seed} episode {done}: eval mean {r.mean:.1f} median "
                          f"{np.median(r.scores):.0f}", flush=True)
                if done % 100 == 0:
                    print(f"seed {seed}: {done} episodes, {learner.state.env_steps:,} steps, "
                          f"mean of the last 100 training games {np.mean(history[-100:]):.1f}, "
                          f"{time.perf_counter() - start:.0f}s", flush=True)
            f.flush()
