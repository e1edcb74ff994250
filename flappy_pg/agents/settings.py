"""What the two learners' settings share: limits, a seed, the game and rewards they train on,
and one way to save and read them back.

A learner's config is a frozen dataclass whose `game` and `rewards` are a `GameConfig` and a
`RewardConfig`; they become nested mappings only when written (`to_dict`), which is the format
every saved run, checkpoint and table has always had.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from flappy_pg.errors import ConfigError
from flappy_pg.game.config import (
    MAX_SEED,
    SEED_HELP,
    GameConfig,
    RewardConfig,
    setting,
    settings_from_dict,
)

# Upper limits: beyond them a run would not fit in memory or never finish its first batch.
MAX_GAMES = 65_536
MAX_EVAL_EPISODES = 100_000
MAX_SCORE_CAP = 1_000_000


def seed_setting():
    """The `seed` field of a learner's config, with its option."""
    return setting(0, SEED_HELP, 0, MAX_SEED)


class RunSettings:
    """Mixed into a learner's frozen config dataclass (with `seed`, `game` and `rewards`)."""

    def check_common(self) -> None:
        """Every float setting is finite, the seed in range; `game` and `rewards` given as
        mappings (as older code did) become their dataclasses."""
        for name, kind in (("game", GameConfig), ("rewards", RewardConfig)):
            value = getattr(self, name)
            if not isinstance(value, kind):
                object.__setattr__(self, name, kind.from_dict(value))
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, float) and not math.isfinite(value):
                raise ConfigError(f"{f.name} must be a finite number, got {value!r}")
        if not 0 <= self.seed <= MAX_SEED:
            raise ConfigError(f"seed must lie in [0, {MAX_SEED}], got {self.seed}")

    def to_dict(self) -> dict[str, Any]:
        """Plain values only (the game and rewards as nested mappings): what files hold."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]):
        return settings_from_dict(cls, values)


def migrate_eval_clock(values: Any) -> Any:
    """Settings saved before evaluations moved from a clock (`eval_every`, seconds) to an
    env-step count take the new default."""
    if not isinstance(values, dict):
        return values
    values = dict(values)
    values.pop("eval_every", None)
    return values
