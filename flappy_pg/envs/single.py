"""`flappy_pg/FlappyBird-v0`: one game of Flappy Bird as a Gymnasium environment.

Actions: `Discrete(2)`, 0 = do nothing, 1 = flap. Observation (`obs_type`): the 8 normalized
float32 features of `flappy_pg.game.observation` ("features", the default), or a 64 x 36
grayscale uint8 frame of `flappy_pg.game.pixels` ("pixels"; "pixel-pairs" adds the frame a step
earlier). Reward (`RewardConfig`): +0.1 per frame alive, +1 per pipe passed,
-1 on the crash frame instead. The episode terminates when the bird crashes; it is truncated
(never terminated) by the registered step limit or by `max_score` pipes. `info["score"]` is the
number of pipes passed. All randomness comes from `self.np_random`: when it is new (seeded),
one draw gives the game's key stream, and episode e after that plays `episode_key(stream, e)`,
as each game of the vector env does.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

from flappy_pg.errors import ConfigError
from flappy_pg.game.config import GameConfig, RewardConfig
from flappy_pg.game.core import Physics, ScalarOps, SingleGame, draw_key, episode_key
from flappy_pg.game.observation import Features, bounds

_ACTIONS = {0: False, 1: True}


def as_game_config(config: GameConfig | dict | None) -> GameConfig:
    if config is None:
        return GameConfig()
    return config if isinstance(config, GameConfig) else GameConfig.from_dict(config)


def as_reward_config(rewards: RewardConfig | dict | None) -> RewardConfig:
    if rewards is None:
        return RewardConfig()
    return rewards if isinstance(rewards, RewardConfig) else RewardConfig.from_dict(rewards)


def check_max_score(max_score: int | None) -> int | None:
    if max_score is not None and (not isinstance(max_score, (int, np.integer)) or max_score < 1):
        raise ConfigError(f"max_score must be a positive whole number or None, got {max_score!r}")
    return max_score


OBS_TYPES = ("features", "pixels", "pixel-pairs")


def observation_setup(obs_type: str, config: GameConfig, ops):
    """The observation space of one game and the object that draws observations."""
    if obs_type == "features":
        low, high = bounds(config)
        return gym.spaces.Box(low, high, dtype=np.float32), Features(config, ops)
    if obs_type in ("pixels", "pixel-pairs"):
        from flappy_pg.game.pixels import PixelFrames, PixelPairs
        frames = PixelFrames(config) if obs_type == "pixels" else PixelPairs(config)
        return gym.spaces.Box(0, 255, frames.shape, dtype=np.uint8), frames
    raise ConfigError(f"obs_type must be one of {', '.join(OBS_TYPES)}, got {obs_type!r}")


def flap_of(action) -> bool:
    """The flap flag for an action, or a clear error for anything outside {0, 1}."""
    if isinstance(action, np.ndarray) and action.shape == () and action.dtype.kind in "iu":
        action = action.item()
    flap = _ACTIONS.get(action) if isinstance(action, (int, np.integer)) else None
    if flap is None:
        raise gym.error.InvalidAction(f"unknown action {action!r}: use 0 (do nothing) or 1 (flap)")
    return flap


class FlappyBirdEnv(gym.Env):
    """One game; see the module docstring for spaces, reward and episode end."""

    metadata = {"render_modes": ["human", "rgb_array"], "render_fps": 30}

    def __init__(self, render_mode: str | None = None, config: GameConfig | dict | None = None,
                 rewards: RewardConfig | dict | None = None, max_score: int | None = None,
                 obs_type: str = "features"):
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ConfigError(f"render_mode must be one of {self.metadata['render_modes']} or None, "
                              f"got {render_mode!r}")
        self.render_mode = render_mode
        self.config = as_game_config(config)
        self.rewards = as_reward_config(rewards)
        self.max_score = check_max_score(max_score)
        self.physics = Physics(self.config, ScalarOps)
        self.obs_type = obs_type
        self.observation_space, self._observer = observation_setup(obs_type, self.config, ScalarOps)
        self.game = SingleGame(self.physics)
        self.action_space = gym.spaces.Discrete(2)
        self._done = True
        self._renderer = None
        self._stream_source = None  # the generator the stream was drawn from
        self._stream = self._episode = 0

    def _observation(self) -> np.ndarray:
        g = self.game
        if self.obs_type != "features":
            return self._observer.of_game(g)
        return np.array(self._observer(g.y, g.vel, g.t, g.next_index, g.next_gap, g.after_gap),
                        dtype=np.float32)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        if self.np_random is not self._stream_source:  # seeded, or a generator set by the user
            self._stream_source, self._stream, self._episode = self.np_random, draw_key(self.np_random), 0
        else:
            self._episode += 1
        self.game.reset(episode_key(self._stream, self._episode))
        self._done = False
        if self.render_mode == "human":
            self.render()
        return self._observation(), {"score": 0}

    def step(self, action):
        flap = flap_of(action)
        if self._done:
            raise gym.error.ResetNeeded("the episode has ended: call reset() before step()")
        game = self.game
        passed = game.step(flap)
        crashed = game.crashed
        reward = float(self.rewards.reward(passed, crashed))
        truncated = self.max_score is not None and game.score >= self.max_score
        self._done = crashed or truncated
        if self.render_mode == "human":
            self.render()
        return self._observation(), reward, crashed, truncated, {"score": game.score}

    def render(self):
        if self.render_mode is None:
            gym.logger.warn("render() called without a render_mode; pass render_mode= to make().")
            return None
        if self._renderer is None:
            from flappy_pg.render.renderer import Renderer  # pygame is imported only when drawing
            self._renderer = Renderer(self.config, window=self.render_mode == "human",
                                      fps=self.metadata["render_fps"])
        return self._renderer.draw(self.game, self.game.crashed)

    def get_keys_to_action(self) -> dict[tuple[int, ...], int]:
        """Space flaps, for `gymnasium.utils.play.play(env, noop=0)`."""
        return {(ord(" "),): 1}

    def close(self):
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None
