"""`flappy_pg/FlappyBird-v0` natively vectorized: N games advanced by one numpy step.

Created by `gymnasium.make_vec("flappy_pg/FlappyBird-v0", num_envs=N, vectorization_mode="vector_entry_point")`
or directly. Same spaces (`obs_type` "features" or "pixels"), reward and episode end as `FlappyBirdEnv`; game `i` has its own random
generator (seeded `seed + i`), so for the same seeds it produces exactly the trajectories of N
single envs (each game's episodes play keys from one stream drawn when it is seeded, see
`flappy_pg.game.core.episode_key`, so restarts need no Python loop). Autoreset follows Gymnasium's `NEXT_STEP` mode: the step after a game's episode ends
resets it (reward 0, not done, its action ignored); a trainer must skip that step.
`info["score"]` holds every game's pipes passed. Like Gymnasium's own `CartPoleVectorEnv`, the env
leaves `info["episode"]` to the standard `gymnasium.wrappers.vector.RecordEpisodeStatistics`.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.utils import seeding
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from flappy_pg.envs.single import (
    as_game_config,
    as_reward_config,
    check_max_score,
    observation_setup,
)
from flappy_pg.errors import ConfigError
from flappy_pg.game.config import GameConfig, RewardConfig
from flappy_pg.game.core import GameBatch, Physics, draw_key, episode_key

MAX_NUM_ENVS = 2**20  # 1 M games, about 100 MB of state; beyond, each step takes seconds


class FlappyBirdVectorEnv(VectorEnv):
    """N games in one array step; see the module docstring."""

    metadata = {"render_modes": ["rgb_array"], "render_fps": 30,
                "autoreset_mode": AutoresetMode.NEXT_STEP}

    def __init__(self, num_envs: int = 1, render_mode: str | None = None,
                 config: GameConfig | dict | None = None, rewards: RewardConfig | dict | None = None,
                 max_score: int | None = None, max_episode_steps: int | None = None,
                 obs_type: str = "features"):
        if not isinstance(num_envs, (int, np.integer)) or not 1 <= num_envs <= MAX_NUM_ENVS:
            raise ConfigError(f"num_envs must be a whole number in [1, {MAX_NUM_ENVS:,}], "
                              f"got {num_envs!r}")
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ConfigError(f"render_mode must be 'rgb_array' or None, got {render_mode!r}")
        if max_episode_steps is not None and (not isinstance(max_episode_steps, (int, np.integer))
                                              or max_episode_steps < 1):
            raise ConfigError(f"max_episode_steps must be a positive whole number or None, "
                              f"got {max_episode_steps!r}")
        self.num_envs = int(num_envs)
        self.render_mode = render_mode
        self.config = as_game_config(config)
        self.rewards = as_reward_config(rewards)
        self.max_score = check_max_score(max_score)
        self.max_episode_steps = max_episode_steps
        self.physics = Physics(self.config)
        self.obs_type = obs_type
        self.single_observation_space, self._observer = observation_setup(obs_type, self.config, np)
        self.games = GameBatch(self.physics, self.num_envs)

        self.single_action_space = gym.spaces.Discrete(2)
        self.action_space = batch_space(self.single_action_space, self.num_envs)
        self.observation_space = batch_space(self.single_observation_space, self.num_envs)

        # Each game's key stream and episode count; unseeded streams are random.
        self.streams = seeding.np_random()[0].integers(0, 2**64, self.num_envs, dtype=np.uint64,
                                                       endpoint=False)
        self.episodes = np.full(self.num_envs, -1, dtype=np.int64)
        self._autoreset = np.zeros(self.num_envs, dtype=bool)
        self._every_game = np.ones(self.num_envs, dtype=bool)
        self._started = False
        self._renderer = None

    def _start_games(self, games: np.ndarray) -> None:
        self.episodes[games] += 1
        self.games.reset(games, episode_key(self.streams[games], self.episodes[games]))

    def _observations(self) -> np.ndarray:
        return self._observer.of_batch(self.games)

    def reset(self, *, seed: int | list[int | None] | None = None,
              options: dict[str, Any] | None = None):
        """Reset every game (or those in `options["reset_mask"]`); an int seed gives game i
        the seed `seed + i`, a list gives one seed per game."""
        if isinstance(seed, (int, np.integer)):
            self._np_random, self._np_random_seed = seeding.np_random(int(seed))
            seed = [int(seed) + i for i in range(self.num_envs)]
        elif seed is None:
            seed = [None] * self.num_envs
        elif not isinstance(seed, (list, tuple, np.ndarray)):
            raise ValueError(f"seed must be a whole number, a list of {self.num_envs} seeds or "
                             f"None, got {seed!r}")
        if len(seed) != self.num_envs:
            raise ValueError(f"expected {self.num_envs} seeds, got {len(seed)}")
        mask = np.ones(self.num_envs, dtype=bool)
        if options and "reset_mask" in options:
            mask = np.asarray(options["reset_mask"])
            if mask.shape != (self.num_envs,) or mask.dtype != np.bool_:
                raise ValueError(f"options['reset_mask'] must be a bool array of shape "
                                 f"({self.num_envs},)")
        games = np.flatnonzero(mask)
        for i in games:
            if seed[i] is not None:  # a new stream, whose episode 0 starts now
                self.streams[i] = draw_key(seeding.np_random(seed[i])[0])
                self.episodes[i] = -1
        self._start_games(games)
        self._autoreset[games] = False
        self._started = True
        return self._observations(), {"score": self.games.score.copy(),
                                      "_score": self._every_game.copy()}

    def step(self, actions):
        if not self._started:
            raise gym.error.ResetNeeded("call reset() before step()")
        actions = np.asarray(actions)
        if actions.shape != (self.num_envs,) or actions.dtype.kind not in "iub" or (
                actions.dtype.kind != "b" and np.count_nonzero(actions.astype(np.int64, copy=False) & -2)):
            raise gym.error.InvalidAction(
                f"actions must be {self.num_envs} whole numbers, each 0 (do nothing) or 1 (flap)")
        games = self.games
        passed = games.step(actions.astype(bool))
        terminated = games.crashed.copy()
        rewards = self.rewards.reward(passed, terminated)
        if self.max_score is not None:
            truncated = games.score >= self.max_score
        else:
            truncated = np.zeros(self.num_envs, dtype=bool)
        if self.max_episode_steps is not None:
            truncated |= games.t >= self.max_episode_steps

        restarting = np.flatnonzero(self._autoreset)
        if restarting.size:
            self._start_games(restarting)
            rewards[restarting] = 0.0
            terminated[restarting] = False
            truncated[restarting] = False
        np.logical_or(terminated, truncated, out=self._autoreset)
        info: dict[str, Any] = {"score": games.score.copy(), "_score": self._every_game.copy()}
        return self._observations(), rewards, terminated, truncated, info

    def render(self):
        """Frames of every game (`rgb_array`), a tuple as Gymnasium's vector envs return."""
        if self.render_mode is None:
            gym.logger.warn("render() called without a render_mode; pass render_mode='rgb_array'.")
            return None
        if self._renderer is None:
            from flappy_pg.render.renderer import Renderer
            self._renderer = Renderer(self.config, window=False, fps=self.metadata["render_fps"])
        return tuple(self._renderer.draw(self.games.game(i), bool(self.games.crashed[i]))
                     for i in range(self.num_envs))

    def close_extras(self, **kwargs: Any) -> None:
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None
