"""How a trained REINFORCE policy plays other game geometries than the one it was trained on.

    python experiments/geometry/geometry_eval.py CHECKPOINT EPISODES MAX_SCORE NAME=JSON [NAME=JSON ...]

Each NAME=JSON is a game (GameConfig fields over the defaults, e.g.
original='{"bird_shape": "sprite", "pipe_spacing": 148, "pipe_spacing_swing": 4}'); the policy
plays greedily on the unseen test seeds (2,000,000+), as `flappy-pg eval` does.
"""

import json
import sys

import numpy as np

from flappy_pg.agents.evaluate import TEST_SEED, evaluate
from flappy_pg.agents.reinforce.algorithm import policy_actor
from flappy_pg.agents.reinforce.checkpoint import load_policy
from flappy_pg.game.config import GameConfig

policy, _ = load_policy(sys.argv[1])
episodes, max_score = int(sys.argv[2]), int(sys.argv[3])
for item in sys.argv[4:]:
    name, settings = item.split("=", 1)
    game = GameConfig(**json.loads(settings))
    result = evaluate(policy_actor(policy, np.random.default_rng(5), greedy=True), game,
                      episodes=episodes, max_score=max_score, seed=TEST_SEED)
    print(f"{name} {settings}: {result.line()}", flush=True)
