"""Greedy deaths of a checkpoint on N real games (vectorized): the scores at death and how much
lower the fatal gap lies than the one before. Usage: python deaths.py CHECKPOINT N CAP"""
import sys

import numpy as np
from flappy_pg.agents.reinforce.checkpoint import load_policy
from flappy_pg.agents.reinforce.networks import NumpyActor
from flappy_pg.agents.rollout import play_keys
from flappy_pg.game.config import GameConfig, RewardConfig
from flappy_pg.game.core import Physics
from flappy_pg.game.observation import Features

policy, _ = load_policy(sys.argv[1]); actor = NumpyActor(policy)
n = int(sys.argv[2]); cap = int(sys.argv[3])
c = GameConfig(); physics = Physics(c)
from flappy_pg.game.core import episode_keys

keys = episode_keys(987654, 0, n)
act = lambda o: (actor.flap_probability(o) > 0.5).astype(np.int64)
ep = play_keys(physics, Features(c), RewardConfig(), keys, act, cap, time_major=False)
dead = np.flatnonzero(~ep.truncated)
print(f"{len(dead)} of {n} died before {cap}; scores at death:", np.sort(ep.scores[dead])[:40])
ch = []
for i in dead:
    k = int(ep.scores[i])
    g = physics.gap_top(keys[i:i+1], np.array([k], dtype=np.uint64))[0]
    prev = physics.gap_top(keys[i:i+1], np.array([max(k-1,0)], dtype=np.uint64))[0]
    ch.append(int(g) - int(prev))
print("gap change at the fatal pipe (+ lower):", sorted(ch))
