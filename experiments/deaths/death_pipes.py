"""At which pipe do a policy's deaths come? Early (the first five pipes) or in long flight.

    python experiments/deaths/death_pipes.py CHECKPOINT [CHECKPOINT ...]

Each policy plays 1,000 greedy games on seeds 7,000,000+ (capped at 1000) and the games it loses
are counted by the pipes they passed: at most 5, 6-100, over 100.
"""

import sys

import numpy as np

from flappy_pg.agents.evaluate import evaluate
from flappy_pg.agents.reinforce.checkpoint import load_policy
from flappy_pg.agents.reinforce.networks import NumpyActor
from flappy_pg.game.config import GameConfig

for path in sys.argv[1:]:
    actor = NumpyActor(load_policy(path)[0])
    result = evaluate(lambda obs: (actor.flap_probability(obs) > 0.5).astype(np.int64),
                      GameConfig(), episodes=1000, seed=7_000_000, max_score=1000)
    lost = np.sort(result.scores[result.scores < 1000])
    print(f"{path}: {len(lost)} of 1000 lost; after at most 5 pipes {(lost <= 5).sum()}, "
          f"6-100 {((lost > 5) & (lost <= 100)).sum()}, over 100 {(lost > 100).sum()}: "
          f"{lost.tolist()}", flush=True)
