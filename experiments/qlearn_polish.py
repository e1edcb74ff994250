"""Train a saved Q-table on with other settings (a smaller α, say), measured per env step.

Usage: python experiments/qlearn_polish.py TABLE.npz STEPS OUT_CSV [key=value ...]
Continues TABLE (its q values, visit counts and config, with key=value overriding the config)
for STEPS more env steps on fresh games (its seed + 100), evaluating the greedy table on 100
unseen games (seeds 2,000,000+, cap 1000) every QL_EVAL_EVERY env steps (default 20,000,000),
and saves the table that ends the run as OUT_CSV's name with `.npz`.
"""

import ast
import csv
import os
import sys

import numpy as np

from flappy_pg.evaluate import evaluate
from flappy_pg.qlearning import QConfig, QLearner, _read_table

EVAL_EVERY = int(float(os.environ.get("QL_EVAL_EVERY", "20e6")))
table, steps, out = sys.argv[1], int(float(sys.argv[2])), sys.argv[3]
overrides = {k: ast.literal_eval(v) for k, v in (a.split("=", 1) for a in sys.argv[4:])}
q, meta, _, visits = _read_table(table)
config = QConfig.from_dict({**meta["config"], "eval_every_steps": 0, "max_steps": 0,
                            "max_seconds": 0.0, **overrides})
config = QConfig.from_dict({**config.to_dict(), "seed": config.seed + 100})
learner = QLearner(config, q=q.astype(np.float64), visits=visits.astype(np.int64))
with open(out, "w", newline="") as f:
    writer = csv.writer(f)
    writer.writerow(["env_steps", "train_seconds", "eval_mean", "eval_capped"])
    next_eval = 0
    while True:
        if learner.state.env_steps >= next_eval:
            r = evaluate(learner.eval_actor(), learner.config.game_config, episodes=100,
                         seed=2_000_000, max_score=1000)
            row = [learner.state.env_steps, round(learner.state.seconds, 1), round(r.mean, 1),
                   int((r.scores >= 1000).sum())]
            writer.writerow(row)
            f.flush()
            print(*row, flush=True)
            next_eval += EVAL_EVERY
            if learner.state.env_steps >= steps:
                break
        learner.step(64)
learner.save(out.removesuffix(".csv") + ".npz")
