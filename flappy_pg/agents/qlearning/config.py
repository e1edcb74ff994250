"""`QConfig`: every setting of a Q-learning run, the strong defaults and the classic bot's recipe.

The state is the bird's distance to the next gap and its speed, binned (see `binning`); the
defaults are the strong recipe (many games into one table, online updates, a focused 3-px grid,
crash rewards, γ 0.95), set by the studies in experiments/qlearning_strong; `QConfig.classic()`
is chncyhn/flappybird-qlearning-bot's whole recipe.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from flappy_pg.agents.settings import (
    MAX_EVAL_EPISODES,
    MAX_GAMES,
    MAX_SCORE_CAP,
    RunSettings,
    seed_setting,
)
from flappy_pg.errors import ConfigError
from flappy_pg.game.config import GameConfig, RewardConfig, require, setting

UPDATES = ("online", "backward")
REWARDS = ("env", "crash", "classic")
GRIDS = ("uniform", "focused")
CLASSIC_ALIVE, CLASSIC_DEATH = 1.0, -1000.0
CRASH_REWARDS = RewardConfig(alive=0.0, pipe=0.0, death=-1.0)  # the "crash" scheme
MAX_TABLE_CELLS = 2**27  # 134 M cells: 4 GB of values and visit counts
TABLE_BYTES_PER_CELL = 2 * 8 + 2 * 8  # two float64 values and two int64 visit counts


@dataclass(frozen=True)
class QConfig(RunSettings):
    seed: int = seed_setting()
    # The defaults are the strong recipe (see `classic` for the classic bot's): many games share
    # one table, updated online, on a focused 3-px grid, with crash rewards and γ 0.95.
    games: int = setting(256, "Games played in parallel, all learning into one table (one: the "
                         "classic bot's setting, on a faster path).", 1, MAX_GAMES)
    grid: str = setting("focused", "focused: --cell bins near the pipe and the gap, coarse bins "
                        "elsewhere; uniform: --cell bins everywhere (the classic bots' grid).",
                        choices=GRIDS)
    cell: int = setting(3, "Pixels per distance bin (where the focused grid is fine).", 1, 1000)
    next_cell: int = setting(0, "Pixels per bin of how far the gap after next lies above or below "
                             "the next one (0: not in the state).", 0, 1000)
    alpha: float = setting(0.1, "Learning rate α.", 0, 1, open_ends=(True, False))
    alpha_decay: float = setting(0.0, "k > 0: α / (1 + n/k) after n visits of a state-action pair "
                                 "(0: constant α).", 0)
    gamma: float = setting(0.95, "Discount factor γ.", 0, 1, open_ends=(True, False))
    epsilon_start: float = setting(0.0, "Initial ε.", 0, 1)
    epsilon_end: float = setting(0.0, "Final ε.", 0, 1)
    epsilon_steps: int = setting(10_000_000, "Env steps over which ε decays linearly.", 1, 10**13)
    update: str = setting("online", "Online at every step, or backwards over each finished "
                          "episode (classic).", choices=UPDATES)
    rewards_scheme: str = setting("crash", "crash: -1 on a crash, 0 otherwise; env: the env's "
                                  "rewards (see the reward options); classic: the classic bot's "
                                  "(+1 per frame, -1000 on a death's last two frames and on the "
                                  "last flap before an upper-pipe crash; backward updates only).",
                                  choices=REWARDS)
    max_episodes: int = setting(0, "Stop after this many training episodes (0: no episode "
                                "budget).", 0, 10**12, option="episodes", show_default=False)
    train_max_score: int = 1000
    max_steps: int = 0
    max_seconds: float = 0.0
    target_score: float = 0.0
    eval_every_steps: int = setting(20_000_000, "Evaluate each time the env-step count passes a "
                                    "multiple of this.", 0, 10**12)
    eval_episodes: int = setting(32, "Episodes per evaluation.", 1, MAX_EVAL_EPISODES)
    eval_max_score: int = 1000
    eval_seed: int = 1_000_000
    game: GameConfig = field(default_factory=GameConfig)
    rewards: RewardConfig = field(default_factory=RewardConfig)

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
        self.check_table_size()

    def check_table_size(self) -> None:
        """Refuse a grid whose table would not fit in memory, naming the options that make it."""
        from flappy_pg.agents.qlearning.binning import Binning
        cells = Binning(self.game, **self.binning_settings).size
        if cells > MAX_TABLE_CELLS:
            raise ConfigError(f"--cell {self.cell}, --next-cell {self.next_cell} and --grid "
                              f"{self.grid} make a table of {cells:,} cells "
                              f"({cells * TABLE_BYTES_PER_CELL / 1024**3:.1f} GB; at most "
                              f"{MAX_TABLE_CELLS:,}): raise --cell or --next-cell (0 leaves the "
                              f"gap after next out), or use --grid focused")

    @classmethod
    def from_dict(cls, values: dict) -> "QConfig":
        from flappy_pg.agents.qlearning.migrations import upgrade_q_config
        return super().from_dict(upgrade_q_config(values))

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

