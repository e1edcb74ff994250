"""Playing complete episodes on the vector env: one episode in every game, for training batches
(recorded) and for evaluation (scores only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from flappy_pg.vector_env import FlappyBirdVectorEnv

#: Maps the observations of the games still playing to their actions (0 or 1).
Act = Callable[[np.ndarray], np.ndarray]


@dataclass
class Episodes:
    """One complete episode per game. With `record`, time-major arrays (T x games) of what
    happened; `mask` marks the steps inside each game's episode."""

    scores: np.ndarray  # pipes passed
    lengths: np.ndarray  # steps
    truncated: np.ndarray  # ended by a cap, not by a crash
    observations: np.ndarray | None = None  # T x N x obs, float32
    actions: np.ndarray | None = None  # T x N, int64
    rewards: np.ndarray | None = None  # T x N, float64 (0 outside the episode)
    mask: np.ndarray | None = None  # T x N, bool

    @property
    def steps(self) -> int:
        return int(self.lengths.sum())


def play_episodes(env: FlappyBirdVectorEnv, act: Act, record: bool = False,
                  seed: int | None = None) -> Episodes:
    """Reset every game and play until each has finished one episode. The games that finished
    wait (their autoreset steps are dropped), so every episode is complete and on-policy."""
    observations, _ = env.reset(seed=seed)
    n = env.num_envs
    in_episode = np.ones(n, dtype=bool)
    scores = np.zeros(n, dtype=np.int64)
    lengths = np.zeros(n, dtype=np.int64)
    truncated_at_end = np.zeros(n, dtype=bool)
    actions = np.zeros(n, dtype=np.int64)
    trace: dict[str, list] = {"observations": [], "actions": [], "rewards": [], "mask": []}
    while in_episode.any():
        playing = np.flatnonzero(in_episode)  # only these need the policy
        actions[:] = 0
        actions[playing] = act(observations[playing])
        next_observations, rewards, terminated, truncated, info = env.step(actions)
        if record:
            trace["observations"].append(observations)
            trace["actions"].append(actions.copy())
            trace["rewards"].append(np.where(in_episode, rewards, 0.0))
            trace["mask"].append(in_episode.copy())
        lengths += in_episode
        ended = in_episode & (terminated | truncated)
        scores[ended] = info["score"][ended]
        truncated_at_end[ended] = truncated[ended] & ~terminated[ended]
        in_episode &= ~ended
        observations = next_observations
    episodes = Episodes(scores, lengths, truncated_at_end)
    if record:
        episodes.observations = np.stack(trace["observations"])
        episodes.actions = np.stack(trace["actions"])
        episodes.rewards = np.stack(trace["rewards"])
        episodes.mask = np.stack(trace["mask"])
    return episodes
