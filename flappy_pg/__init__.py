"""flappy-pg: Flappy Bird on a fast numpy core, learned with REINFORCE.

Importing the package registers the Gymnasium environment `flappy_pg/FlappyBird-v0` (single and
natively vectorized); `gymnasium.make("flappy_pg:flappy_pg/FlappyBird-v0")` imports it on
demand. The bare id `FlappyBird-v0` is registered too, as a convenience, but only while no other
package (flappy-bird-gymnasium registers one) holds it.
"""

import warnings

from gymnasium.envs.registration import register, registry

from flappy_pg.errors import ConfigError
from flappy_pg.game.config import GameConfig, RewardConfig

__version__ = "0.2.0"

ENV_ID = "flappy_pg/FlappyBird-v0"
#: Default step limit: 30 minutes of play at 30 fps (about 1,500 pipes), so a perfect agent's
#: episode still ends (as truncated). Override with `max_episode_steps=`.
MAX_EPISODE_STEPS = 54_000

_SPEC = dict(entry_point="flappy_pg.envs.single:FlappyBirdEnv",
             vector_entry_point="flappy_pg.envs.vector:FlappyBirdVectorEnv",
             max_episode_steps=MAX_EPISODE_STEPS)

if ENV_ID not in registry:
    register(id=ENV_ID, **_SPEC)
if "FlappyBird-v0" not in registry:
    register(id="FlappyBird-v0", **_SPEC)
elif registry["FlappyBird-v0"].entry_point != _SPEC["entry_point"]:
    warnings.warn(f"another package holds the id 'FlappyBird-v0' ({registry['FlappyBird-v0'].entry_point}); "
                  f"use {ENV_ID!r} for flappy-pg's env", stacklevel=2)

__all__ = ["ConfigError", "GameConfig", "RewardConfig", "ENV_ID", "MAX_EPISODE_STEPS", "__version__"]
