"""Where a trained policy dies: which obstacle, and how much the gap moved from the pipe before.

    python experiments/deaths/deaths.py checkpoints/reinforce-pretrained.pt
"""

import collections
import sys

import numpy as np

from flappy_pg.agents.reinforce.checkpoint import load_policy
from flappy_pg.agents.reinforce.networks import NumpyActor
from flappy_pg.envs.single import FlappyBirdEnv

policy, _ = load_policy(sys.argv[1])
actor = NumpyActor(policy)
env = FlappyBirdEnv(max_score=1000)
kinds, changes, scores = collections.Counter(), [], []
for episode in range(100):
    obs, _ = env.reset(seed=10_000 + episode)
    terminated = truncated = False
    while not (terminated or truncated):
        obs, _, terminated, truncated, _ = env.step(int(actor.flap_probability(obs[None])[0] > 0.5))
    game, physics = env.game, env.physics
    scores.append(game.score)
    if not terminated:
        continue
    if game.y >= physics.ground_crash_y:
        kinds["ground"] += 1
    elif game.y < game.next_gap:
        kinds["upper pipe"] += 1
    else:
        kinds["lower pipe"] += 1
    if game.next_index > 0:
        changes.append(game.next_gap - physics.gap_top(game.key, game.next_index - 1))
print(dict(kinds), "mean score", np.mean(scores))
if changes:
    print("gap change at the fatal pipe (+ = lower than the one before), percentiles 0/25/50/75/100:",
          np.percentile(changes, [0, 25, 50, 75, 100]))
