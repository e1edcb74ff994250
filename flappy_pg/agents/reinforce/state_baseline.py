"""The state baseline (`--baseline state`): V(s) learned on the game's 8 features, whatever the
policy sees. A baseline may be any function of the state that does not depend on the action:
subtracting it leaves the policy gradient unbiased. A pixel policy still sees only its frames;
its baseline reads the state the frames show (the bird's height and speed, the next gaps), which
a small MLP fits far better, and far cheaper, than one over 2,560 cells.

`StateRecorder` draws the training observations with the run's observer and keeps each step's
features beside them; `kept_states` picks those of the steps the update uses.
"""

from __future__ import annotations

import numpy as np
import torch

from flappy_pg.agents.reinforce.algorithm import at_complete_steps
from flappy_pg.agents.rollout import Episodes
from flappy_pg.game.config import GameConfig
from flappy_pg.game.observation import Features


class StateRecorder:
    """An observer for `play_games`: the wrapped observer's observations, while it keeps the
    8 features of every step it drew (`states`, one array per call, in the order played)."""

    def __init__(self, observer, game: GameConfig):
        self.observer = observer
        self.features = Features(game)
        self.states: list[np.ndarray] = []

    def of_batch(self, games) -> np.ndarray:
        self.states.append(np.ascontiguousarray(self.features.of_batch(games)))
        return self.observer.of_batch(games)


def kept_states(recorder: StateRecorder, rounds: list[Episodes], tail: int) -> torch.Tensor:
    """The recorded features of the steps the update uses: those of `complete_steps`, in the
    order the rounds recorded them (as `Episodes.observations_at`)."""
    return torch.from_numpy(at_complete_steps(recorder.states, rounds, tail))
