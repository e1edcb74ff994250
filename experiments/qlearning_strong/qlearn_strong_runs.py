"""The Q-learning defaults (or variants), measured per env step (issue 10).

Usage: python experiments/qlearning_strong/qlearn_strong_runs.py SEEDS STEPS OUT_CSV [key=value ...]
Trains `QConfig(seed=..., **overrides)` (the defaults: 256 games, focused grid, online updates,
crash rewards, α 0.1) for STEPS env steps per seed. Every QL_EVAL_EVERY env steps (default
5,000,000) it evaluates the greedy table on 100 unseen games (seeds 2,000,000+, cap 1000) and
writes a row to OUT_CSV; with QL_SAVE=1 it saves the table at the end of each seed as OUT_CSV's
name with `-seedS.npz`.
"""

import ast
import csv
import os
import sys

import numpy as np

from flappy_pg.agents.evaluate import evaluate
from flappy_pg.agents.qlearning.algorithm import QLearner
from flappy_pg.agents.qlearning.config import QConfig


def train_and_evaluate(learner: QLearner, steps: int, every: int, writer, f, first=()) -> None:
    """Step `learner` until it has played `steps` env steps, writing `first` + (env steps,
    episodes, training seconds, eval mean, median, capped games) every `every` env steps."""
    next_eval = 0
    while True:
        if learner.state.env_steps >= next_eval:
            r = evaluate(learner.eval_actor(), learner.config.game, episodes=100,
                         seed=2_000_000, max_score=1000)
            row = [*first, learner.state.env_steps, learner.state.episodes,
                   round(learner.state.seconds, 1), round(r.mean, 1), float(np.median(r.scores)),
                   int((r.scores >= 1000).sum())]
            writer.writerow(row)
            f.flush()
            print(*row, flush=True)
            next_eval += every
            if learner.state.env_steps >= steps:
                return
        learner.step(64)


if __name__ == "__main__":
    every = int(float(os.environ.get("QL_EVAL_EVERY", "5e6")))
    seeds = [int(s) for s in sys.argv[1].split(",")]
    steps, out = int(float(sys.argv[2])), sys.argv[3]
    overrides = {k: ast.literal_eval(v) for k, v in (a.split("=", 1) for a in sys.argv[4:])}
    with open(out, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["seed", "env_steps", "episodes", "train_seconds", "eval_mean",
                         "eval_median", "eval_capped"])
        for seed in seeds:
            learner = QLearner(QConfig(seed=seed, eval_every_steps=0, **overrides))
            train_and_evaluate(learner, steps, every, writer, f, first=(seed,))
            if os.environ.get("QL_SAVE") == "1":
                learner.save(out.removesuffix(".csv") + f"-seed{seed}.npz")
