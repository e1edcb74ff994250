"""The Gymnasium environments: one game (`FlappyBirdEnv`) and N games in one array step
(`FlappyBirdVectorEnv`), both registered as `flappy_pg/FlappyBird-v0`."""

from flappy_pg.envs.single import FlappyBirdEnv
from flappy_pg.envs.vector import FlappyBirdVectorEnv

__all__ = ["FlappyBirdEnv", "FlappyBirdVectorEnv"]
