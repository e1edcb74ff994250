"""The last 45 frames before each of a trained policy's first deaths, frame by frame: to see what
went wrong, not only where.

    python experiments/deaths/death_trajectories.py checkpoints/reinforce-pretrained.pt [DEATHS]

Columns: frame, the bird's top y and speed, the next pipe's index and gap top (and the one
after), dx (the next pipe's right edge minus the bird's left edge), the greedy action and the
policy's flap probability. The bird's top must lie in [gap, gap + 76] while it overlaps a pipe.
"""

import collections
import sys

from flappy_pg.agents.reinforce.checkpoint import load_policy
from flappy_pg.agents.reinforce.networks import NumpyActor
from flappy_pg.envs.single import FlappyBirdEnv

policy, _ = load_policy(sys.argv[1])
deaths_to_show = int(sys.argv[2]) if len(sys.argv) > 2 else 4
actor = NumpyActor(policy)
env = FlappyBirdEnv(max_score=1000)
shown = 0
for episode in range(1000):
    if shown >= deaths_to_show:
        break
    obs, _ = env.reset(seed=10_000 + episode)
    frames = collections.deque(maxlen=45)
    terminated = truncated = False
    while not (terminated or truncated):
        p = float(actor.flap_probability(obs[None])[0])
        g = env.game
        frames.append((g.t, g.y, g.vel, g.next_index, g.next_gap, g.after_gap,
                       round(float(obs[2]) * env.config.screen_width), int(p > 0.5), p))
        obs, _, terminated, truncated, _ = env.step(int(p > 0.5))
    if not terminated:
        continue
    shown += 1
    g = env.game
    print(f"seed {10_000 + episode}: died at score {g.score}, y {g.y}, speed {g.vel}, gap top "
          f"{g.next_gap}, the gap before {env.physics.gap_top(g.key, g.next_index - 1)}")
    for t, y, vel, k, gap, after, dx, action, p in frames:
        print(f"  frame {t} y {y:6.1f} speed {vel:5.1f} pipe {k} gap {gap} after {after} "
              f"dx {dx:4d} flap {action} p {p:.3f}")
