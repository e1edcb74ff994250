"""`flappy_pg/FlappyBird-v0`: one game of Flappy Bird as a Gymnasium environment.

Actions: `Discrete(2)`, 0 = do nothing, 1 = flap. Observation: the 8 normalized float32 features
of `flappy_pg.observation`. Reward (`RewardConfig`): +0.1 per frame alive, +1 per pipe passed,
-1 on the crash frame instead. The episode terminates when the bird crashes; it is truncated
(never terminated) by the registered step limit or by `max_score` pipes. `info["score"]` is the
number of pipes passed. All randomness comes from `self.np_random`.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

from flappy_pg.config import ConfigError, GameConfig, RewardConfig
from flappy_pg.core import Physics, ScalarOps, SingleGame, draw_key
from flappy_pg.observation import Features, bounds

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
                 rewards: RewardConfig | dict | None = None, max_score: int | None = None):
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ConfigError(f"render_mode must be one of {self.metadata['render_modes']} or None, "
                              f"got {render_mode!r}")
        self.render_mode = render_mode
        self.config = as_game_config(config)
        self.rewards = as_reward_config(rewards)
        self.max_score = check_max_score(max_score)
        self._alive, self._pipe, self._death = (float(self.rewards.alive), float(self.rewards.pipe),
                                                float(self.rewards.death))
        self.physics = Physics(self.config, ScalarOps)
        self._features = Features(self.config, ScalarOps)
        self.game = SingleGame(self.physics)
        self.action_space = gym.spaces.Discrete(2)
        low, high = bounds(self.config)
        self.observation_space = gym.spaces.Box(low, high, dtype=np.float32)
        self._done = True
        self._renderer = None

    def _observation(self) -> np.ndarray:
        g = self.game
        return np.array(self._features(g.y, g.vel, g.t, g.next_index, g.next_gap,
                                 g.after_gap), dtype=np.float32)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        self.game.reset(draw_key(self.np_random))
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
        reward = self._death if crashed else self._alive + self._pipe * passed
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
            from flappy_pg.render import Renderer  # pygame is imported only when drawing
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
