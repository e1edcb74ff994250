"""Playing complete episodes: one episode in every game of the vector env (evaluation, the
gradient lab), or one per pipe key on a batch of games that shrinks as they end (training
batches, where finished games must wait for the others and should cost nothing)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from flappy_pg.agents.learner import Act
from flappy_pg.envs.vector import FlappyBirdVectorEnv
from flappy_pg.game.config import RewardConfig
from flappy_pg.game.core import GameBatch, Physics
from flappy_pg.game.observation import Features


@dataclass
class Episodes:
    """One complete episode per game. With `record`, time-major arrays (T x games) of what
    happened; `mask` marks the steps inside each game's episode."""

    scores: np.ndarray  # pipes passed
    lengths: np.ndarray  # steps
    truncated: np.ndarray  # ended by a cap, not by a crash
    observations: np.ndarray | None = None  # T x N x obs (float32 features, or uint8 pixels)
    actions: np.ndarray | None = None  # T x N, int64
    rewards: np.ndarray | None = None  # T x N, float64 (0 outside the episode)
    mask: np.ndarray | None = None  # T x N, bool
    # or, instead of `observations`, only those of the steps in `mask`, in time-major order
    step_observations: np.ndarray | None = None
    replayed: np.ndarray | None = None  # games that started from a saved state, not the start

    @property
    def steps(self) -> int:
        return int(self.lengths.sum())

    def observations_at(self, where: np.ndarray) -> np.ndarray:
        """The observations of the T x N steps `where` (inside the episodes), in time-major
        order."""
        if self.observations is not None:
            return self.observations[where]
        return self.step_observations[where[self.mask]]


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


def play_keys(physics: Physics, features: Features, rewards: RewardConfig, keys: np.ndarray,
              act: Act, max_score: int, time_major: bool = True) -> Episodes:
    """One complete episode per pipe key, from the game's start, truncated at `max_score` pipes
    (`play_games`)."""
    n = len(keys)
    games = GameBatch(physics, n)
    games.reset(np.arange(n), np.asarray(keys, dtype=np.uint64))
    return play_games(games, features, rewards, act, np.full(n, max_score), time_major)


def play_games(games: GameBatch, features: Features, rewards: RewardConfig, act: Act,
               caps: np.ndarray, time_major: bool = True, watch=None) -> Episodes:
    """One complete episode per game of `games`, from the state each is in, recorded; game i is
    truncated once its score reaches `caps[i]`. Games that end are dropped from the batch at
    once, so every step is spent on a game still playing; the same rules and rewards as the
    envs. Without `time_major`, observations are kept only as `step_observations` (spreading
    large pixel observations over a T x N array is costly). `watch(games, episodes playing,
    passed, crashed)` is called after every step."""
    n = games.num_games
    playing = np.arange(n)  # the episode each row of `games` belongs to
    scores, lengths = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    truncated = np.zeros(n, dtype=bool)
    trace = []  # per step: (episodes playing, observations, actions, rewards)
    while playing.size:
        observations = features.of_batch(games)
        actions = act(observations)
        passed = games.step(actions.astype(bool))
        crashed = games.crashed
        reward = rewards.reward(passed, crashed)
        trace.append((playing, observations, actions, reward))
        if watch is not None:
            watch(games, playing, passed, crashed)
        ended = crashed | (games.score >= caps[playing])
        if ended.any():
            done = playing[ended]
            scores[done], lengths[done] = games.score[ended], len(trace)
            truncated[done] = ~crashed[ended]
            still = np.flatnonzero(~ended)
            games, playing = games.select(still), playing[still]
    steps = len(trace)
    rows, observations, actions, reward = (np.concatenate(column) for column in zip(*trace))
    # each recorded step's place in the time-major T x N arrays: one scatter per array
    cells = np.repeat(np.arange(steps) * n, [len(step[0]) for step in trace]) + rows
    episodes = Episodes(scores, lengths, truncated, actions=np.zeros((steps, n), dtype=np.int64),
                        rewards=np.zeros((steps, n)), mask=np.zeros((steps, n), dtype=bool))
    if time_major:
        episodes.observations = np.zeros((steps, n, *observations.shape[1:]), dtype=observations.dtype)
        episodes.observations.reshape(steps * n, *observations.shape[1:])[cells] = observations
    else:  # the recorded steps are already in time-major order (`playing` stays sorted)
        episodes.step_observations = observations
    episodes.actions.reshape(-1)[cells] = actions
    episodes.rewards.reshape(-1)[cells] = reward
    episodes.mask.reshape(-1)[cells] = True
    return episodes
