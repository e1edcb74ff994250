"""Games a trained policy loses within its first few pipes: their seeds and first gaps.

    python experiments/deaths/early_deaths.py CHECKPOINT GAMES FIRST_SEED [MAX_SCORE]

Plays GAMES greedy games on seeds FIRST_SEED... (capped at 1000) and prints, for every game
that ends at MAX_SCORE (default 3) pipes or fewer, its seed, score, how it died and the gap tops
of pipes 0-3 (smaller is higher on screen).
"""

import sys

from flappy_pg.agents.reinforce.checkpoint import load_policy
from flappy_pg.agents.reinforce.networks import NumpyActor
from flappy_pg.envs.single import FlappyBirdEnv

policy, _ = load_policy(sys.argv[1])
games, first_seed = int(sys.argv[2]), int(sys.argv[3])
limit = int(sys.argv[4]) if len(sys.argv) > 4 else 3
actor = NumpyActor(policy)
env = FlappyBirdEnv(max_score=1000)
early = 0
for seed in range(first_seed, first_seed + games):
    obs, _ = env.reset(seed=seed)
    terminated = truncated = False
    while not (terminated or truncated) and env.game.score <= limit:
        obs, _, terminated, truncated, _ = env.step(int(actor.flap_probability(obs[None])[0] > 0.5))
    game, physics = env.game, env.physics
    if terminated and game.score <= limit:
        early += 1
        kind = "ground" if game.y >= physics.ground_crash_y else \
            "upper pipe" if game.y < game.next_gap else "lower pipe"
        gaps = [physics.gap_top(game.key, i) for i in range(4)]
        print(f"seed {seed}: score {game.score}, {kind} at frame {game.t}, pipe {game.next_index}, "
              f"gap tops {gaps}", flush=True)
print(f"{early} of {games} games ended at {limit} pipes or fewer")
