"""flappy-pg: Flappy Bird on a fast numpy core, learned with REINFORCE.

Importing the package registers the Gymnasium environment `FlappyBird-v0` (single and natively
vectorized); `gymnasium.make("flappy_pg:FlappyBird-v0")` imports it on demand.
"""

from gymnasium.envs.registration import register, registry

from flappy_pg.config import ConfigError, GameConfig, RewardConfig

__version__ = "0.1.0"

#: Default step limit of `FlappyBird-v0`: 30 minutes of play at 30 fps (about 1,500 pipes), so a
#: perfect agent's episode still ends (as truncated). Override with `max_episode_steps=`.
MAX_EPISODE_STEPS = 54_000

if "FlappyBird-v0" not in registry:
    register(
        id="FlappyBird-v0",
        entry_point="flappy_pg.env:FlappyBirdEnv",
        vector_entry_point="flappy_pg.vector_env:FlappyBirdVectorEnv",
        max_episode_steps=MAX_EPISODE_STEPS,
    )

__all__ = ["ConfigError", "GameConfig", "RewardConfig", "MAX_EPISODE_STEPS", "__version__"]
