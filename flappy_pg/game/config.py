"""Game and reward settings: one frozen dataclass each, saved with anything trained on them.

Defaults are the classic FlapPyBird figures (see README "Game reference"). Units are pixels and
frames; one environment step is one frame at 30 frames per second.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from flappy_pg.errors import ConfigError

#: Largest screen, pipe or spacing size accepted, in pixels: keeps every derived figure small.
MAX_PIXELS = 100_000
#: Largest reward magnitude accepted: returns over a 54,000-frame episode stay far from overflow.
MAX_REWARD = 1e6
#: The bird's crash shapes (`GameConfig.bird_shape`), and the size of the bird sprite.
BIRD_SHAPES = ("box", "sprite")
SPRITE_SIZE = (34, 24)
#: Largest seed accepted (numpy and torch both take it).
MAX_SEED = 2**32 - 1
SEED_HELP = f"Random seed, 0 to {MAX_SEED}."


def setting(default, help: str, low=None, high=None, *, open_ends=(False, False),
            choices: tuple | None = None, option: str | None = None, show_default: bool = True,
            flag: bool = False):
    """A config field that also describes its command-line option: its `help`, its range
    [`low`, `high`] (`open_ends`: whether each end is left out) or its `choices`, the option's
    name when it is not the field's (`option`), and for a bool whether it is a lone --X `flag`
    (else --X/--no-X). The CLI makes its options from these."""
    return dataclasses.field(default=default, metadata={
        "help": help, "range": (low, high, *open_ends), "choices": choices, "option": option,
        "show_default": show_default, "flag": flag})



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
    gravity: float = setting(1.0, "Speed the bird gains per frame while falling.")
    max_fall_speed: float = 10.0
    # a flap sets the vertical speed to this (it does not add)
    flap_speed: float = setting(-9.0, "Vertical speed a flap sets (negative is up).")
    flap_ceiling: float = -48.0  # flaps are ignored while the bird's top is at or above this
    pipe_width: int = 52
    pipe_gap: int = setting(100, "Height of the gap between pipes, in pixels.", option="gap")
    pipe_speed: int = setting(4, "Pixels the pipes move left per frame.")
    pipe_spacing: int = setting(148, "Horizontal distance between pipes, in pixels (their mean, with "
                                     "a swing).")
    # Pipes alternately pipe_spacing - swing and pipe_spacing + swing apart (the first two at
    # the smaller distance), as the original's are 144 and 152 apart after the first few.
    pipe_spacing_swing: int = setting(4, "Pipes lie alternately spacing - swing and spacing + swing "
                                         "apart (the original game: --pipe-spacing 148 "
                                         "--pipe-spacing-swing 4).")
    first_pipe_x: int = 488  # screen_width + 200
    # What touches a pipe: "sprite", the opaque pixels of the 34 x 24 bird sprite (as the
    # original tests its sprite's hit mask), or "box", the bird's whole width x height rectangle.
    bird_shape: str = setting("sprite", "What crashes into a pipe: the bird's whole box, or only the "
                              "sprite's opaque pixels (as the original game tests its sprite's "
                              "mask).", choices=BIRD_SHAPES)

    def __post_init__(self) -> None:
        if self.bird_shape not in BIRD_SHAPES:
            raise ConfigError(f"bird_shape must be one of {', '.join(BIRD_SHAPES)}, got {self.bird_shape!r}")
        if self.bird_shape == "sprite" and (self.bird_width, self.bird_height) != SPRITE_SIZE:
            raise ConfigError(f"bird_shape 'sprite' needs the sprite's size {SPRITE_SIZE[0]} x "
                              f"{SPRITE_SIZE[1]}, got {self.bird_width} x {self.bird_height}")
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "bird_shape":
                continue
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise ConfigError(f"{f.name} must be a number, got {value!r}")
            if not math.isfinite(value) or abs(value) > MAX_PIXELS:
                raise ConfigError(f"{f.name} must be a finite number within ±{MAX_PIXELS:,}, "
                                  f"got {value!r}")
        positive = ("screen_width", "screen_height", "ground_y", "bird_width", "bird_height",
                    "gravity", "max_fall_speed", "pipe_width", "pipe_gap", "pipe_speed")
        for name in positive:
            if not getattr(self, name) > 0:
                raise ConfigError(f"{name} must be positive, got {getattr(self, name)!r}")
        for name in ("bird_x", "bird_width", "bird_height", "pipe_width", "pipe_gap",
                     "pipe_speed", "pipe_spacing", "pipe_spacing_swing", "first_pipe_x", "screen_width",
                     "screen_height"):
            if not isinstance(getattr(self, name), int) or isinstance(getattr(self, name), bool):
                raise ConfigError(f"{name} must be a whole number of pixels, got {getattr(self, name)!r}")
        if self.flap_speed >= 0:
            raise ConfigError(f"flap_speed must be negative (upwards), got {self.flap_speed!r}")
        if not 0 < self.ground_y <= self.screen_height:
            raise ConfigError(f"ground_y must lie on the screen, got {self.ground_y!r}")
        if not self.bird_height < self.bird_start_y + self.bird_height < self.ground_y - 1:
            raise ConfigError(f"bird_start_y must put the bird above the ground, got {self.bird_start_y!r}")
        if self.pipe_spacing_swing < 0:
            raise ConfigError(f"pipe_spacing_swing must be 0 or more, got {self.pipe_spacing_swing}")
        if self.pipe_spacing - self.pipe_spacing_swing < self.pipe_width + self.bird_width + self.pipe_speed:
            raise ConfigError(
                f"pipe_spacing - pipe_spacing_swing must be at least pipe_width + bird_width + "
                f"pipe_speed ({self.pipe_width + self.bird_width + self.pipe_speed}), got "
                f"{self.pipe_spacing - self.pipe_spacing_swing}")
        if self.first_pipe_x < self.bird_x + self.bird_width:
            raise ConfigError(f"first_pipe_x must be right of the bird, got {self.first_pipe_x}")
        if self.gap_top_max < self.gap_top_min:
            raise ConfigError(f"pipe_gap {self.pipe_gap} is too large for ground_y {self.ground_y}")
        if self.pipe_gap <= self.bird_height:
            raise ConfigError(f"pipe_gap must be taller than the bird ({self.bird_height} px) or no "
                              f"pipe can be passed, got {self.pipe_gap}")
        if self.pipe_speed >= self.pipe_width + self.bird_width:
            raise ConfigError(f"pipe_speed must be below pipe_width + bird_width "
                              f"({self.pipe_width + self.bird_width}), or pipes jump past the bird, "
                              f"got {self.pipe_speed}")
        if self.flap_rise > 4 * self.screen_height:
            raise ConfigError(f"a flap would lift the bird {self.flap_rise:,.0f} px (more than 4 "
                              f"screen heights): raise gravity or lower flap_speed's size")

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
    def flap_rise(self) -> float:
        """How far one flap lifts the bird: the speeds -f, -f + g, ... summed while negative."""
        frames = math.ceil(-self.flap_speed / self.gravity)
        return -self.flap_speed * frames - self.gravity * frames * (frames - 1) / 2

    @property
    def highest_bird_y(self) -> float:
        """A bound on how high the bird's top can go: a flap just below the ceiling, then its rise."""
        return self.flap_ceiling - self.flap_rise

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "GameConfig":
        from flappy_pg.game.migrations import upgrade_game
        fields = {f.name for f in dataclasses.fields(cls)}
        return settings_from_dict(cls, upgrade_game(values, fields))


@dataclass(frozen=True)
class RewardConfig:
    """Reward per frame: `alive` while flying, plus `pipe` per pipe passed; `death` replaces both
    on the frame the bird crashes."""

    alive: float = setting(0.1, "Reward per frame alive.", option="reward-alive")
    pipe: float = setting(1.0, "Reward per pipe passed.", option="reward-pipe")
    death: float = setting(-1.0, "Reward on the crash frame (instead of the others).",
                           option="reward-death")

    def __post_init__(self) -> None:
        for name in ("alive", "pipe", "death"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or \
                    not math.isfinite(value) or abs(value) > MAX_REWARD:
                raise ConfigError(f"reward {name} must be a finite number within ±{MAX_REWARD:g}, "
                                  f"got {value!r}")
            object.__setattr__(self, name, float(value))

    def reward(self, passed, crashed):
        """The reward of a frame: Python bools, or bool arrays (one entry per game)."""
        if isinstance(crashed, np.ndarray):
            return np.where(crashed, self.death, self.alive + self.pipe * passed)
        return self.death if crashed else self.alive + self.pipe * passed

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "RewardConfig":
        return settings_from_dict(cls, values)


def _default(f: dataclasses.Field):
    return f.default_factory() if f.default is dataclasses.MISSING else f.default


def _checked(name: str, value: Any, default: Any) -> Any:
    """`value` if it has the kind of `default` (ints are taken for floats), else a ConfigError:
    settings read back from a file must not smuggle in strings, lists or None."""
    def whole(v):
        return isinstance(v, int) and not isinstance(v, bool)
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int):
        ok = whole(value)
    elif isinstance(default, float):
        ok = whole(value) or isinstance(value, float)
        value = float(value) if ok else value
    elif isinstance(default, (tuple, list)):
        ok = isinstance(value, (tuple, list)) and all(whole(v) for v in value)
        value = tuple(value) if ok else value
    elif dataclasses.is_dataclass(default):
        return value if isinstance(value, type(default)) else type(default).from_dict(value)
    else:
        ok = isinstance(value, type(default))
    if not ok:
        kind = "list of whole numbers" if isinstance(default, (tuple, list)) else type(default).__name__
        raise ConfigError(f"setting {name} must be a {kind}, got {value!r}")
    return value


def settings_from_dict(cls, values: dict[str, Any]):
    """An instance of the frozen dataclass `cls` from saved settings, each checked against the
    kind of its default (nested settings, such as a learner's game, from their own mapping)."""
    if not isinstance(values, dict):
        raise ConfigError(f"{cls.__name__} settings must be a mapping, got {type(values).__name__}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - set(fields), key=str)
    if unknown:
        raise ConfigError(f"unknown {cls.__name__} setting(s): {', '.join(map(str, unknown))}")
    return cls(**{k: _checked(k, v, _default(fields[k])) for k, v in values.items()})


def require(checks: list[tuple[bool, str]]) -> None:
    """Raise a `ConfigError` with the message of the first failed check."""
    for ok, message in checks:
        if not ok:
            raise ConfigError(message)
