"""Tabular Q-learning on the same vectorized core: the classic Flappy Bird bot and a strong one.

The state is the bird's horizontal and vertical distance to the next gap (its right edge and its
bottom edge) and its vertical speed (whole pixels per frame), read back from the feature
observation. The distances are binned on a `uniform` grid of `cell`-pixel bins (the classic bots'
grid), or on a `focused` grid: `cell`-pixel bins where a pixel decides between life and death
(within 100 px of the pipe's right edge, and from 30 px below the gap's bottom to 34 px above the
highest place the bird fits), coarse bins elsewhere. `next_cell` > 0 adds how far the gap after
next lies above or below the next one (in `next_cell`-pixel bins), which a player sees and which
the classic state lacks. Actions are ε-greedy with ε decaying linearly to `epsilon_end`; ties go
to "do nothing". Updates are one-step Q-learning, Q(s,a) += α (r + γ max_a' Q(s',a') - Q(s,a)),
either online at every step (all games at once) or, as the classic bots do, backwards over each
episode when it ends (`update="backward"`), so that a death's penalty reaches the earlier states
in one sweep. α is constant, or, with `alpha_decay` = k > 0, α / (1 + n/k) after n visits of
(s, a), so that the table settles instead of swinging.

Rewards are the env's (`rewards="env"`); or -1 on a crash and 0 otherwise (`"crash"`: with the
table at 0 and γ < 1 every value is at most 0, so an action never tried looks best and gets
tried); or the classic bot's (`"classic"`, chncyhn/flappybird-qlearning-bot): +1 per frame
alive, -1000 on the last two transitions of a death, and -1000 on the last flap before a crash
into an upper pipe (that flap is almost always the mistake). `QConfig.classic()` is that bot's
whole recipe; the defaults are the strong one (see README and experiments/README.md).
"""

from __future__ import annotations

import bisect
import dataclasses
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from flappy_pg.config import ConfigError, GameConfig, RewardConfig, RunSettings, require
from flappy_pg.errors import CheckpointError
from flappy_pg.observation import FEATURES, LAYOUT
from flappy_pg.runfolder import atomic_write
from flappy_pg.train_config import (MAX_EVAL_EPISODES, MAX_GAMES, MAX_SCORE_CAP,
                                    migrate_eval_clock)
from flappy_pg.training import RunState
from flappy_pg.env import FlappyBirdEnv
from flappy_pg.vector_env import FlappyBirdVectorEnv

UPDATES = ("online", "backward")
REWARDS = ("env", "crash", "classic")
GRIDS = ("uniform", "focused")
CLASSIC_ALIVE, CLASSIC_DEATH = 1.0, -1000.0
CRASH_REWARDS = RewardConfig(alive=0.0, pipe=0.0, death=-1.0)  # the "crash" scheme
TABLE_FORMAT = "flappy-pg/qtable/1"


@dataclass(frozen=True)
class QConfig(RunSettings):
    seed: int = 0
    # The defaults are the strong recipe (see `classic` for the classic bot's): many games share
    # one table, updated online, on a focused 3-px grid, with crash rewards and γ 0.95.
    games: int = 256
    grid: str = "focused"
    cell: int = 3  # pixels per distance bin (where the focused grid is fine)
    next_cell: int = 0  # pixels per bin of the gap after next (0: not in the state)
    alpha: float = 0.1
    alpha_decay: float = 0.0  # α / (1 + visits/alpha_decay) per (s, a); 0: constant α
    gamma: float = 0.95
    epsilon_start: float = 0.0
    epsilon_end: float = 0.0
    epsilon_steps: int = 10_000_000  # env steps over which ε decays
    update: str = "online"
    rewards_scheme: str = "crash"
    max_episodes: int = 0
    train_max_score: int = 1000
    max_steps: int = 0
    max_seconds: float = 0.0
    target_score: float = 0.0
    eval_every_steps: int = 20_000_000  # evaluate when the env-step count passes a multiple of this
    eval_episodes: int = 32
    eval_max_score: int = 1000
    eval_seed: int = 1_000_000
    game: dict = field(default_factory=lambda: GameConfig().to_dict())
    rewards: dict = field(default_factory=lambda: RewardConfig().to_dict())

    def __post_init__(self) -> None:
        checks = [(self.update in UPDATES, f"update must be one of {UPDATES}"),
                  (self.grid in GRIDS, f"grid must be one of {GRIDS}"),
                  (self.rewards_scheme in REWARDS, f"rewards_scheme must be one of {REWARDS}"),
                  (self.rewards_scheme != "classic" or self.update == "backward",
                   "the classic rewards need update='backward' (they are given per episode)"),
                  (0 <= self.next_cell <= 1000, "next_cell must lie in [0, 1000] pixels"),
                  (self.alpha_decay >= 0 and math.isfinite(self.alpha_decay),
                   "alpha_decay must be 0 or more"),
                  (self.max_episodes >= 0, "max_episodes must be 0 or more"),
                  (1 <= self.games <= MAX_GAMES, f"games must lie in [1, {MAX_GAMES:,}]"),
                  (1 <= self.cell <= 1000, "cell must lie in [1, 1000] pixels"),
                  (0 < self.alpha <= 1, "alpha must be in (0, 1]"),
                  (0 < self.gamma <= 1, "gamma must be in (0, 1]"),
                  (0 <= self.epsilon_end <= self.epsilon_start <= 1,
                   "need 0 <= epsilon_end <= epsilon_start <= 1"),
                  (self.epsilon_steps >= 1, "epsilon_steps must be at least 1"),
                  (self.max_steps >= 0 and self.max_seconds >= 0, "budgets must be 0 or more"),
                  (self.target_score >= 0 and self.eval_every_steps >= 0,
                   "target_score and eval_every_steps must be 0 or more"),
                  (1 <= self.train_max_score <= MAX_SCORE_CAP and
                   1 <= self.eval_max_score <= MAX_SCORE_CAP,
                   f"score caps must lie in [1, {MAX_SCORE_CAP:,}]"),
                  (1 <= self.eval_episodes <= MAX_EVAL_EPISODES,
                   f"eval_episodes must lie in [1, {MAX_EVAL_EPISODES:,}]"),
                  (0 <= self.eval_seed <= 2**32 - MAX_EVAL_EPISODES - 1, "eval_seed is out of range")]
        require(checks)
        self.check_common()

    @classmethod
    def from_dict(cls, values: dict) -> "QConfig":
        values = migrate_eval_clock(values)
        if isinstance(values, dict) and "cell" in values and "grid" not in values:
            values = {**values, "grid": "uniform"}  # saved before the focused grid existed
        return super().from_dict(values)

    @classmethod
    def classic(cls, **overrides) -> "QConfig":
        """The classic bot's recipe: one game, greedy (no exploration), α = 0.7, γ = 1, 10-px
        grid, backward sweeps over each game, the classic rewards."""
        recipe = dict(games=1, grid="uniform", cell=10, next_cell=0, alpha=0.7, alpha_decay=0.0,
                      gamma=1.0, epsilon_start=0.0, epsilon_end=0.0, update="backward",
                      rewards_scheme="classic", eval_every_steps=2_000_000)
        return cls(**{**recipe, **overrides})

    @property
    def obs_type(self) -> str:
        return "features"  # the table's cells are read from the features

    @property
    def binning_settings(self) -> dict:
        return {"cell": self.cell, "next_cell": self.next_cell, "grid": self.grid}


class Binning:
    """Maps feature observations to Q-table cells: (dx bin, dy bin, speed bin[, rise bin])."""

    FOCUS_DX = 100  # px from the pipe's right edge: the bird's approach and its way through
    FOCUS_BELOW, FOCUS_ABOVE = 30, 34  # px beyond where the bird fits in the gap
    COARSE_DX = 20  # px per dx bin beyond the focus
    COARSE_DY = (30, 40, 70, 150)  # widths of the dy bins leaving the focus, outwards

    def __init__(self, config: GameConfig, cell: int, next_cell: int = 0, grid: str = "uniform"):
        c = config
        self.width, self.height, self.fall = c.screen_width, c.screen_height, c.max_fall_speed
        self.cell, self.grid = cell, grid
        self.dx_max = c.screen_width + c.pipe_width - c.bird_x  # dx lies in [0, dx_max]
        self.dy_min = c.gap_top_min + c.pipe_gap - c.ground_y  # gap bottom - bird bottom
        self.dy_max = c.gap_top_max + c.pipe_gap - (c.highest_bird_y + c.bird_height)
        self.speed_min = math.floor(c.flap_speed)
        self.speed_max = math.ceil(c.max_fall_speed + c.gravity)
        speeds = self.speed_max - self.speed_min + 1
        if grid == "focused":
            # Bins are [edge_i, edge_i+1); values below the first edge or past the last share
            # the end bins.
            self.dx_edges = [*range(cell, self.FOCUS_DX, cell),
                             *range(self.FOCUS_DX, self.dx_max + 1, self.COARSE_DX)]
            low, high = -self.FOCUS_BELOW, c.pipe_gap - c.bird_height + self.FOCUS_ABOVE
            below = [low - sum(self.COARSE_DY[:n]) for n in range(len(self.COARSE_DY), 0, -1)]
            above = [high + sum(self.COARSE_DY[:n]) for n in range(len(self.COARSE_DY))]
            self.dy_edges = [*below, *range(low, high, cell), *above]
            self.shape = (len(self.dx_edges) + 1, len(self.dy_edges) + 1, speeds)
        else:
            self.shape = (self.dx_max // cell + 1,
                          math.floor(self.dy_max / cell) - math.floor(self.dy_min / cell) + 1,
                          speeds)
            self._dy_offset = math.floor(self.dy_min / cell)
        self.next_cell = next_cell
        if next_cell:  # the gap after next, relative to the next one: in [-span, span]
            span = c.gap_top_max - c.gap_top_min
            self._next_offset = math.floor(-span / next_cell)
            self.shape += (math.floor(span / next_cell) - self._next_offset + 1,)

    def pixels(self, observations: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(dx, dy, speed) in pixels from observations (rounded: positions are whole pixels)."""
        dx = np.rint(observations[..., 2] * self.width)
        dy = np.rint(observations[..., 4] * self.height)
        speed = np.rint(observations[..., 1] * self.fall)
        return dx, dy, speed

    def cells(self, observations: np.ndarray) -> np.ndarray:
        """Flat Q-table row index of each observation."""
        dx, dy, speed = self.pixels(observations)
        if self.grid == "focused":
            i = np.searchsorted(self.dx_edges, dx, side="right")
            j = np.searchsorted(self.dy_edges, dy, side="right")
        else:
            i = np.clip(dx // self.cell, 0, self.shape[0] - 1).astype(np.int64)
            j = np.clip(np.floor(dy / self.cell) - self._dy_offset, 0,
                        self.shape[1] - 1).astype(np.int64)
        k = np.clip(speed - self.speed_min, 0, self.shape[2] - 1).astype(np.int64)
        flat = (i * self.shape[1] + j) * self.shape[2] + k
        if self.next_cell:
            rise = np.rint((observations[..., 6] - observations[..., 3]) * self.height)
            m = np.clip(np.floor(rise / self.next_cell) - self._next_offset, 0, self.shape[3] - 1)
            flat = flat * self.shape[3] + m.astype(np.int64)
        return flat

    def cell_of(self, observation) -> int:
        """`cells` for one observation, on Python numbers (the one-game fast path)."""
        o, shape = observation, self.shape
        dx = round(float(o[2]) * self.width)
        dy = round(float(o[4]) * self.height)
        speed = round(float(o[1]) * self.fall)
        if self.grid == "focused":
            i = bisect.bisect_right(self.dx_edges, dx)
            j = bisect.bisect_right(self.dy_edges, dy)
        else:
            i = min(max(dx // self.cell, 0), shape[0] - 1)
            j = min(max(math.floor(dy / self.cell) - self._dy_offset, 0), shape[1] - 1)
        k = min(max(speed - self.speed_min, 0), shape[2] - 1)
        flat = (i * shape[1] + j) * shape[2] + k
        if self.next_cell:
            rise = round((float(o[6]) - float(o[3])) * self.height)
            m = min(max(math.floor(rise / self.next_cell) - self._next_offset, 0), shape[3] - 1)
            flat = flat * shape[3] + m
        return int(flat)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))


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
        self.binning = Binning(config.game_config, **config.binning_settings)
        self.q = np.zeros((self.binning.size, 2)) if q is None else q
        self.visits = np.zeros(self.q.shape, dtype=np.int64) if visits is None else visits
        self.rng = np.random.default_rng(config.seed)
        # The crash scheme is the env's own rewards with nothing for flying or passing a pipe.
        rewards = CRASH_REWARDS if config.rewards_scheme == "crash" else config.reward_config
        game = dict(config=config.game_config, rewards=rewards, max_score=config.train_max_score)
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

    def step(self, frames: int = 256) -> dict:
        """Play `frames` frames in every game (with a `max_episodes` budget, stop early once it is
        reached), learning as configured."""
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

    def eval_actor(self) -> Callable[[np.ndarray], np.ndarray]:
        return table_actor(self.q, self.binning)

    def save(self, path) -> None:
        save_table(self, path)



def table_actor(q: np.ndarray, binning: Binning) -> Callable[[np.ndarray], np.ndarray]:
    """Greedy actions from a Q-table (for evaluation and watching)."""
    return lambda observations: greedy_actions(q, binning.cells(observations))


# -- saving and loading tables (.npz, no pickle) -----------------------------------------------
def save_table(learner: QLearner, path: str | Path) -> None:
    """Write the table with its binning, configs and counters, atomically."""
    import json
    meta = {"format": TABLE_FORMAT, "observation_layout": {"name": LAYOUT, "features": list(FEATURES)},
            "config": learner.config.to_dict(), "state": dataclasses.asdict(learner.state),
            "shape": list(learner.binning.shape)}
    atomic_write(path, lambda temporary: np.savez_compressed(
        temporary, q=learner.q, visits=learner.visits, meta=np.array(json.dumps(meta)),
        rng=np.array(json.dumps(learner.rng.bit_generator.state))))


def _read_table(path: Path) -> tuple[np.ndarray, dict, object, np.ndarray | None]:
    """(q, meta, rng state, visit counts) as stored (tables written before visit counts were
    kept have none), or a one-line error for anything unreadable."""
    import json
    from flappy_pg.checkpoint import is_zip_with
    try:
        with np.load(path, allow_pickle=False) as data:
            q, meta = data["q"], json.loads(str(data["meta"]))
            rng = json.loads(str(data["rng"])) if "rng" in data.files else None
            visits = data["visits"] if "visits" in data.files else None
    except Exception:  # numpy, zipfile and json raise many kinds on a damaged or foreign file
        if is_zip_with(path, "data.pkl"):
            raise CheckpointError(f"{path} is a REINFORCE checkpoint: use `flappy-pg eval` or "
                                  f"`flappy-pg watch`") from None
        raise CheckpointError(f"{path} is not a readable Q-table (corrupt, or not a .npz)") from None
    return q, meta, rng, visits


def load_table(path: str | Path) -> tuple[np.ndarray, QConfig, dict]:
    """(Q, config, metadata) of a saved table, checked; one-line errors otherwise."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"Q-table not found: {path}")
    q, meta, _, _ = _read_table(path)
    if not isinstance(meta, dict) or meta.get("format") != TABLE_FORMAT:
        raise CheckpointError(f"{path} is not a flappy-pg Q-table")
    found = meta.get("observation_layout")
    found = found.get("name") if isinstance(found, dict) else None
    if found != LAYOUT:
        raise CheckpointError(f"{path} was made for observation layout {found!r}; this version "
                              f"uses {LAYOUT!r}")
    try:
        config = QConfig.from_dict(meta["config"])
    except (ConfigError, KeyError, TypeError) as error:
        raise CheckpointError(f"{path} has an unusable config: {error}") from None
    binning = Binning(config.game_config, **config.binning_settings)
    if q.shape != (binning.size, 2) or list(binning.shape) != meta.get("shape"):
        raise CheckpointError(f"{path}: its table's shape {q.shape} does not match its binning "
                              f"{tuple(binning.shape)}")
    if q.dtype.kind != "f" or not np.isfinite(q).all():
        raise CheckpointError(f"{path}: its table must hold finite numbers")
    return q.astype(np.float64), config, meta


def restore_learner(path: Path, overrides: dict) -> QLearner:
    """A `QLearner` continuing a saved table; `overrides` change budget settings."""
    q, config, meta = load_table(path)
    _, _, rng, visits = _read_table(Path(path))
    if visits is not None and (visits.shape != q.shape or visits.dtype.kind not in "iu"
                               or (visits < 0).any()):
        raise CheckpointError(f"{path}: its visit counts do not fit its table")
    try:
        learner = QLearner(QConfig.from_dict({**config.to_dict(), **overrides}), q=q,
                           visits=None if visits is None else visits.astype(np.int64))
        learner.state = RunState.from_dict(meta.get("state"))
        learner.rng.bit_generator.state = rng
    except ConfigError as error:
        raise CheckpointError(f"{path}: {error}") from None
    except Exception as error:  # a damaged generator state, of any kind
        raise CheckpointError(f"{path}: its training state does not fit: {error}") from None
    return learner
