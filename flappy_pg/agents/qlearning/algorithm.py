"""Tabular Q-learning on the same vectorized core: the updates and the learner.

Actions are ε-greedy with ε decaying linearly to `epsilon_end`; ties go to "do nothing".
Updates are one-step Q-learning, Q(s,a) += α (r + γ max_a' Q(s',a') - Q(s,a)), either online at
every step (all games at once) or, as the classic bots do, backwards over each episode when it
ends (`update="backward"`), so that a death's penalty reaches the earlier states in one sweep.
α is constant, or, with `alpha_decay` = k > 0, α / (1 + n/k) after n visits of (s, a), so that
the table settles instead of swinging.

Rewards are the env's (`rewards_scheme="env"`); or -1 on a crash and 0 otherwise (`"crash"`:
with the table at 0 and γ < 1 every value is at most 0, so an action never tried looks best and
gets tried); or the classic bot's (`"classic"`, chncyhn/flappybird-qlearning-bot): +1 per frame
alive, -1000 on the last two transitions of a death, and -1000 on the last flap before a crash
into an upper pipe (that flap is almost always the mistake).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from flappy_pg.agents.learner import Act, RunState
from flappy_pg.agents.qlearning.binning import Binning
from flappy_pg.agents.qlearning.config import CLASSIC_ALIVE, CLASSIC_DEATH, CRASH_REWARDS, QConfig
from flappy_pg.agents.qlearning.table import load_training_state, save_table
from flappy_pg.envs.single import FlappyBirdEnv
from flappy_pg.envs.vector import FlappyBirdVectorEnv
from flappy_pg.errors import CheckpointError, ConfigError


def greedy_actions(q: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """argmax_a Q, ties to 0 (do nothing), as the classic bot."""
    return (q[cells, 1] > q[cells, 0]).astype(np.int64)


def step_sizes(alpha: float, alpha_decay: float, visits) -> np.ndarray | float:
    """α for (s, a) pairs already visited `visits` times."""
    return alpha / (1 + visits / alpha_decay) if alpha_decay else alpha


def q_update(q: np.ndarray, cells, actions, rewards, next_cells, ended, alpha, gamma,
             visits: np.ndarray | None = None, alpha_decay: float = 0.0) -> None:
    """One-step Q-learning for a batch of transitions (a cell visited twice gets both updates)."""
    future = np.where(ended, 0.0, q[next_cells].max(axis=1))
    error = rewards + gamma * future - q[cells, actions]
    rate = alpha if visits is None else step_sizes(alpha, alpha_decay, visits[cells, actions])
    np.add.at(q, (cells, actions), rate * error)
    if visits is not None:
        np.add.at(visits, (cells, actions), 1)


def move_toward(q: np.ndarray, s: int, a: int, target: float, alpha: float,
                visits: np.ndarray | None = None, alpha_decay: float = 0.0) -> None:
    """Q(s, a) += α (target - Q(s, a)) for one pair, on Python numbers (counting the visit)."""
    rate = alpha
    if visits is not None:
        rate = step_sizes(alpha, alpha_decay, visits[s, a])
        visits[s, a] += 1
    q[s, a] += rate * (target - q[s, a])


def backward_update(q: np.ndarray, cells, actions, rewards, terminal: bool, alpha: float,
                    gamma: float, visits: np.ndarray | None = None,
                    alpha_decay: float = 0.0) -> None:
    """Q-learning sweeps backwards over one finished episode, so the end's outcome reaches the
    earliest states at once (the classic bots' delayed update). A truncated episode's last
    transition has no stored next state, so it is skipped."""
    cells, actions, rewards = list(cells), list(actions), list(rewards)
    last = len(cells) - 1
    for t in range(last, -1, -1):
        s, a = cells[t], actions[t]
        if t == last:
            if not terminal:
                continue
            target = rewards[t]
        else:
            following = cells[t + 1]
            target = rewards[t] + gamma * max(q[following, 0], q[following, 1])
        move_toward(q, s, a, target, alpha, visits, alpha_decay)


def classic_rewards(actions: np.ndarray, terminal: bool, upper_crash: bool) -> np.ndarray:
    """The classic bot's rewards for one episode: +1 per transition; on a death -1000 for the
    last two, and after a crash into an upper pipe also for the last flap before them."""
    rewards = np.full(len(actions), CLASSIC_ALIVE)
    if terminal:
        rewards[-2:] = CLASSIC_DEATH
        flaps = np.flatnonzero(actions[:-2])
        if upper_crash and len(flaps):
            rewards[flaps[-1]] = CLASSIC_DEATH
    return rewards


class EpisodeBuffer:
    """Each game's transitions (cells, actions, env rewards) since its episode began, in
    preallocated frame x game arrays that grow when an episode outlasts them."""

    def __init__(self, games: int, frames: int = 4096):
        self.lengths = np.zeros(games, dtype=np.int64)
        self.cells = np.zeros((frames, games), dtype=np.int64)
        self.actions = np.zeros((frames, games), dtype=np.int8)
        self.rewards = np.zeros((frames, games), dtype=np.float32)

    def add(self, games: np.ndarray, cells, actions, rewards) -> None:
        rows = self.lengths[games]
        if len(rows) and rows.max() >= len(self.cells):
            grow = lambda a: np.concatenate([a, np.zeros_like(a)])
            self.cells, self.actions, self.rewards = map(grow, (self.cells, self.actions, self.rewards))
        self.cells[rows, games] = cells
        self.actions[rows, games] = actions
        self.rewards[rows, games] = rewards
        self.lengths[games] += 1

    def take(self, game: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The game's episode so far, and a fresh start for its next one."""
        n = self.lengths[game]
        self.lengths[game] = 0
        return self.cells[:n, game], self.actions[:n, game], self.rewards[:n, game]


class QLearner:
    """Runs tabular Q-learning on the vector env; `step(n)` plays n frames in every game."""

    def __init__(self, config: QConfig, q: np.ndarray | None = None,
                 visits: np.ndarray | None = None):
        self.config = config
        self.binning = Binning(config.game, **config.binning_settings)
        self.q = np.zeros((self.binning.size, 2)) if q is None else q
        self.visits = np.zeros(self.q.shape, dtype=np.int64) if visits is None else visits
        self.rng = np.random.default_rng(config.seed)
        # The crash scheme is the env's own rewards with nothing for flying or passing a pipe.
        rewards = CRASH_REWARDS if config.rewards_scheme == "crash" else config.rewards
        game = dict(config=config.game, rewards=rewards, max_score=config.train_max_score)
        if config.games == 1:  # the classic bot's setting: Python numbers are 20x faster here
            self.env = FlappyBirdEnv(**game)
            self._episode = ([], [], [])  # cells, actions, rewards of the episode being played
        else:
            self.env = FlappyBirdVectorEnv(config.games, **game)
            self._resetting = np.zeros(config.games, dtype=bool)
            self._episodes = EpisodeBuffer(config.games)
            self._returns = np.zeros(config.games)  # of the episode each game is playing
            self._lengths = np.zeros(config.games, dtype=np.int64)
        self.observations, _ = self.env.reset(seed=config.seed)
        self.state = RunState()
        self.recent_scores: list[int] = []

    @property
    def epsilon(self) -> float:
        c = self.config
        progress = min(1.0, self.state.env_steps / c.epsilon_steps)
        return c.epsilon_start + progress * (c.epsilon_end - c.epsilon_start)

    def act(self, cells: np.ndarray) -> np.ndarray:
        actions = greedy_actions(self.q, cells)
        if self.epsilon > 0:
            explore = self.rng.random(len(cells)) < self.epsilon
            actions[explore] = self.rng.integers(0, 2, explore.sum())
        return actions

    def _learn_from_episode(self, cells, actions, rewards, terminal: bool,
                            last_observation) -> None:
        c = self.config
        if c.rewards_scheme == "classic":
            upper_crash = bool(last_observation[3] > 0)  # the bird's top above the gap's top
            rewards = classic_rewards(actions, terminal, upper_crash)
        backward_update(self.q, cells, actions, rewards, terminal, c.alpha, c.gamma,
                        self.visits, c.alpha_decay)

    def step(self, frames: int = 256, should_stop=None) -> dict:
        """Play `frames` frames in every game (with a `max_episodes` budget, stop early once it is
        reached), learning as configured. Its steps are short: a stop waits for the step's end
        (`should_stop` is not consulted)."""
        start = time.perf_counter()
        steps_before, episodes_before = self.state.env_steps, self.state.episodes
        scores, episode_returns, episode_lengths = [], [], []
        play = self._play_one_game if self.config.games == 1 else self._play_games
        play(frames, scores, episode_returns, episode_lengths)
        seconds = time.perf_counter() - start
        self.state.seconds += seconds
        self.state.updates += 1
        self.recent_scores = (self.recent_scores + scores)[-200:]
        steps = self.state.env_steps - steps_before
        return {"update": self.state.updates, "env_steps": self.state.env_steps,
                "episodes": self.state.episodes, "seconds": round(self.state.seconds, 3),
                "batch_steps": steps, "new_episodes": self.state.episodes - episodes_before,
                "score_mean": float(np.mean(self.recent_scores)) if self.recent_scores else 0.0,
                "score_max": int(max(self.recent_scores)) if self.recent_scores else 0,
                "scores": scores, "episode_returns": episode_returns,
                "episode_lengths": episode_lengths, "epsilon": self.epsilon,
                "sps": steps / max(seconds, 1e-9)}

    def _play_one_game(self, frames: int, scores: list, episode_returns: list,
                       episode_lengths: list) -> None:
        """`_play_games` for one game, on Python numbers."""
        c, q, env, binning = self.config, self.q, self.env, self.binning
        cells, actions, rewards = self._episode
        observation = self.observations
        cell = binning.cell_of(observation)
        epsilon = self.epsilon
        for _ in range(frames):
            action = 1 if q[cell, 1] > q[cell, 0] else 0
            if epsilon > 0 and self.rng.random() < epsilon:
                action = int(self.rng.integers(0, 2))
            observation, reward, terminated, truncated, info = env.step(action)
            next_cell = binning.cell_of(observation)
            if c.update == "online":
                future = 0.0 if terminated else max(q[next_cell, 0], q[next_cell, 1])
                move_toward(q, cell, action, reward + c.gamma * future, c.alpha, self.visits,
                            c.alpha_decay)
            cells.append(cell)
            actions.append(action)
            rewards.append(reward)
            self.state.env_steps += 1
            cell = next_cell
            if terminated or truncated:
                if c.update == "backward":
                    self._learn_from_episode(cells, np.array(actions), rewards, terminated,
                                             observation)
                scores.append(info["score"])
                episode_returns.append(float(sum(rewards)))
                episode_lengths.append(len(rewards))
                self.state.episodes += 1
                cells, actions, rewards = self._episode = ([], [], [])
                observation, _ = env.reset()
                cell = binning.cell_of(observation)
                epsilon = self.epsilon
                if c.max_episodes and self.state.episodes >= c.max_episodes:
                    break
        self.observations = observation

    def _play_games(self, frames: int, scores: list, episode_returns: list,
                    episode_lengths: list) -> None:
        c = self.config
        for _ in range(frames):
            cells = self.binning.cells(self.observations)
            actions = self.act(cells)
            observations, rewards, terminated, truncated, info = self.env.step(actions)
            live = ~self._resetting  # the step after an episode's end is a reset step: skip it
            ended = live & (terminated | truncated)
            if c.update == "online":
                idx = np.flatnonzero(live)
                q_update(self.q, cells[idx], actions[idx], rewards[idx],
                         self.binning.cells(observations[idx]), terminated[idx], c.alpha, c.gamma,
                         self.visits, c.alpha_decay)
            else:
                idx = np.flatnonzero(live)
                self._episodes.add(idx, cells[idx], actions[idx], rewards[idx])
                for i in np.flatnonzero(ended):
                    self._learn_from_episode(*self._episodes.take(i), bool(terminated[i]),
                                             observations[i])
            self._returns[live] += rewards[live]
            self._lengths[live] += 1
            if ended.any():
                scores.extend(info["score"][ended].tolist())
                episode_returns.extend(self._returns[ended].tolist())
                episode_lengths.extend(self._lengths[ended].tolist())
                self._returns[ended], self._lengths[ended] = 0.0, 0
            self.state.env_steps += int(live.sum())
            self.state.episodes += int(ended.sum())
            self._resetting = terminated | truncated
            self.observations = observations
            if c.max_episodes and self.state.episodes >= c.max_episodes:
                break

    def eval_actor(self) -> Act:
        return table_actor(self.q, self.binning)

    def save(self, path) -> None:
        save_table(self, path)

    @classmethod
    def restore(cls, path: str | Path, overrides: dict) -> "QLearner":
        """The learner continuing a saved table; `overrides` change budget settings."""
        q, visits, config, state, rng = load_training_state(path)
        if not isinstance(rng, dict):
            raise CheckpointError(f"{path} holds no random generator state, so its training "
                                  f"cannot continue exactly (it still evaluates and watches)")
        try:
            learner = cls(QConfig.from_dict({**config.to_dict(), **overrides}), q=q, visits=visits)
            learner.state = state
            learner.rng.bit_generator.state = rng
        except ConfigError as error:
            raise CheckpointError(f"{path}: {error}") from None
        except Exception as error:  # a damaged generator state, of any kind
            raise CheckpointError(f"{path}: its training state does not fit: {error}") from None
        return learner


def table_actor(q: np.ndarray, binning: Binning) -> Act:
    """Greedy actions from a Q-table (for evaluation and watching)."""
    return lambda observations: greedy_actions(q, binning.cells(observations))

