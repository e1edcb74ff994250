"""Train a saved Q-table on with other settings (a smaller α, say), measured per env step.

Usage: python experiments/qlearning_strong/qlearn_polish.py TABLE.npz STEPS OUT_CSV [key=value ...]
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
from qlearn_strong_runs import train_and_evaluate

from flappy_pg.agents.qlearning.algorithm import QLearner
from flappy_pg.agents.qlearning.config import QConfig
from flappy_pg.agents.qlearning.table import read_table

every = int(float(os.environ.get("QL_EVAL_EVERY", "20e6")))
table, steps, out = sys.argv[1], int(float(sys.argv[2])), sys.argv[3]
overrides = {k: ast.literal_eval(v) for k, v in (a.split("=", 1) for a in sys.argv[4:])}
q, meta, _, visits = read_table(table)
config = QConfig.from_dict({**meta["config"], "eval_every_steps": 0, "max_steps": 0,
                            "max_seconds": 0.0, **overrides})
config = QConfig.from_dict({**config.to_dict(), "seed": config.seed + 100})
learner = QLearner(config, q=q.astype(np.float64), visits=visits.astype(np.int64))
with open(out, "w", newline="") as f:
    writer = csv.writer(f)
    writer.writerow(["env_steps", "episodes", "train_seconds", "eval_mean", "eval_median",
                     "eval_capped"])
    train_and_evaluate(learner, steps, every, writer, f)
learner.save(out.removesuffix(".csv") + ".npz")
