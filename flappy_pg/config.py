"""Game and reward settings: one frozen dataclass each, saved with anything trained on them.

Defaults are the classic FlapPyBird figures (see README "Game reference"). Units are pixels and
frames; one environment step is one frame at 30 frames per second.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


class ConfigError(ValueError):
    """An invalid game or reward setting."""


@dataclass(frozen=True)
class GameConfig:
    """Physics and geometry of one game. Make the game easier or harder by changing these."""

    screen_width: int = 288
    screen_height: int = 512
    ground_y: float = 0.79 * 512  # top of the ground strip (404.48, as in the original)
    bird_x: int = 57  # int(0.2 * screen_width)
    bird_width: int = 34
    bird_height: int = 24
    bird_start_y: float = 244.0  # (screen_height - bird_height) / 2
    gravity: float = 1.0
    max_fall_speed: float = 10.0
    flap_speed: float = -9.0  # a flap sets the vertical speed to this (it does not add)
    flap_ceiling: float = -48.0  # flaps are ignored while the bird's top is at or above this
    pipe_width: int = 52
    pipe_gap: int = 100
    pipe_speed: int = 4  # pixels the pipes move left per frame
    pipe_spacing: int = 144  # horizontal distance between consecutive pipes
    first_pipe_x: int = 488  # screen_width + 200

    def __post_init__(self) -> None:
        positive = ("screen_width", "screen_height", "ground_y", "bird_width", "bird_height",
                    "gravity", "max_fall_speed", "pipe_width", "pipe_gap", "pipe_speed")
        for name in positive:
            if not getattr(self, name) > 0:
                raise ConfigError(f"{name} must be positive, got {getattr(self, name)!r}")
        for name in ("bird_x", "bird_width", "bird_height", "pipe_width", "pipe_gap",
                     "pipe_speed", "pipe_spacing", "first_pipe_x", "screen_width",
                     "screen_height"):
            if not isinstance(getattr(self, name), int) or isinstance(getattr(self, name), bool):
                raise ConfigError(f"{name} must be a whole number of pixels, got {getattr(self, name)!r}")
        if self.flap_speed >= 0:
            raise ConfigError(f"flap_speed must be negative (upwards), got {self.flap_speed!r}")
        if not 0 < self.ground_y <= self.screen_height:
            raise ConfigError(f"ground_y must lie on the screen, got {self.ground_y!r}")
        if not self.bird_height < self.bird_start_y + self.bird_height < self.ground_y - 1:
            raise ConfigError(f"bird_start_y must put the bird above the ground, got {self.bird_start_y!r}")
        if self.pipe_spacing < self.pipe_width + self.bird_width + self.pipe_speed:
            raise ConfigError(
                f"pipe_spacing must be at least pipe_width + bird_width + pipe_speed "
                f"({self.pipe_width + self.bird_width + self.pipe_speed}), got {self.pipe_spacing}")
        if self.first_pipe_x < self.bird_x + self.bird_width:
            raise ConfigError(f"first_pipe_x must be right of the bird, got {self.first_pipe_x}")
        if self.gap_top_max < self.gap_top_min:
            raise ConfigError(f"pipe_gap {self.pipe_gap} is too large for ground_y {self.ground_y}")

    @property
    def gap_top_min(self) -> int:
        """Lowest y of a gap's top edge: int(0.2 * ground_y), as in the original."""
        return int(0.2 * self.ground_y)

    @property
    def gap_top_max(self) -> int:
        """Highest y of a gap's top edge (inclusive)."""
        return self.gap_top_min + int(0.6 * self.ground_y - self.pipe_gap) - 1

    @property
    def lowest_bird_y(self) -> float:
        """The bird's top when it rests on the ground."""
        return self.ground_y - self.bird_height

    @property
    def highest_bird_y(self) -> float:
        """A bound on how high the bird's top can go: a flap just below the ceiling, then its rise."""
        rise, speed = 0.0, self.flap_speed
        while speed < 0:
            rise -= speed
            speed += self.gravity
        return self.flap_ceiling - rise

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "GameConfig":
        return _from_dict(cls, values)


@dataclass(frozen=True)
class RewardConfig:
    """Reward per frame: `alive` while flying, plus `pipe` per pipe passed; `death` replaces both
    on the frame the bird crashes."""

    alive: float = 0.1
    pipe: float = 1.0
    death: float = -1.0

    def __post_init__(self) -> None:
        for name in ("alive", "pipe", "death"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or value != value or abs(value) == float("inf"):
                raise ConfigError(f"reward {name} must be a finite number, got {value!r}")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "RewardConfig":
        return _from_dict(cls, values)


def _from_dict(cls, values: dict[str, Any]):
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(f"unknown {cls.__name__} setting(s): {', '.join(unknown)}")
    return cls(**values)


def require(checks: list[tuple[bool, str]]) -> None:
    """Raise a `ConfigError` with the message of the first failed check."""
    for ok, message in checks:
        if not ok:
            raise ConfigError(message)


class RunSettings:
    """What a learner's settings (a frozen dataclass with `game` and `rewards` dicts) share."""

    def check_game(self) -> None:
        GameConfig.from_dict(self.game)
        RewardConfig.from_dict(self.rewards)

    @property
    def game_config(self) -> GameConfig:
        return GameConfig.from_dict(self.game)

    @property
    def reward_config(self) -> RewardConfig:
        return RewardConfig.from_dict(self.rewards)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]):
        return _from_dict(cls, values)
