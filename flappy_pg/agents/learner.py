"""The shape both learners share, so that one run harness, one evaluation and one comparison
serve them all.

A learner (REINFORCE's `Trainer`, Q-learning's `QLearner`) has a `config` (its settings, with
the budget and evaluation settings), a `state` (the `RunState` counters), `step(should_stop)`
(one update; returns its figures; may drop a batch and raise `Abandoned` when `should_stop()`,
leaving the learner as it was before the update), `eval_actor()` (greedy actions for evaluation), `save(path)` and the
class method `restore(path, overrides)` (the learner a saved file holds, with budget settings
overridden).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol

import numpy as np

from flappy_pg.errors import ConfigError

#: Maps the observations of the games still playing to their actions (0 or 1).
Act = Callable[[np.ndarray], np.ndarray]


class Abandoned(Exception):
    """A stop was asked for in the middle of a batch or an evaluation, which is dropped."""


def abandonable(act: Act, should_stop: Callable[[], bool],
                on_abandon: Callable[[], None] = lambda: None) -> Act:
    """`act`, which drops what it plays (raises `Abandoned`, after `on_abandon()`) as soon as
    `should_stop()`: checked every frame, so a stop comes at once even inside a long batch."""
    def checked(observations: np.ndarray) -> np.ndarray:
        if should_stop():
            on_abandon()
            raise Abandoned
        return act(observations)
    return checked


@dataclass
class RunState:
    """A learner's counters, saved with it so that a resumed run continues them."""

    updates: int = 0
    env_steps: int = 0
    episodes: int = 0
    seconds: float = 0.0  # of training, evaluations excluded
    best_eval: float = -math.inf
    last_eval: float = -math.inf

    @classmethod
    def from_dict(cls, values) -> "RunState":
        """Counters read back from a file, checked: whole numbers where counts, numbers elsewhere."""
        fields = {f.name: f.type for f in dataclasses.fields(cls)}
        if not isinstance(values, dict) or set(values) != set(fields):
            raise ConfigError("its run counters are missing or unknown")
        for name, value in values.items():
            whole = isinstance(value, int) and not isinstance(value, bool)
            ok = (whole and value >= 0) if fields[name] == "int" else \
                (whole or isinstance(value, float)) and value == value
            if not ok:
                raise ConfigError(f"its run counter {name} is not a valid number: {value!r}")
        return cls(**values)


class Learner(Protocol):
    config: object
    state: RunState

    def step(self, should_stop: Callable[[], bool] | None = None) -> dict: ...

    def eval_actor(self) -> Act: ...

    def save(self, path: str | Path) -> None: ...

    @classmethod
    def restore(cls, path: str | Path, overrides: dict) -> "Learner": ...
