"""Training-only pipe layouts with more big drops than the real game.

The trained policy's rare deaths come after a gap much lower than the one before. In the real
game a gap's height is uniform over its range, so a drop of 100+ px follows 4.5% of
pipes and the largest ones almost never. `DropHeavyPhysics` places a share of the training pipes
at the very top or the very bottom of the range instead (half each, independently per pipe), so
big drops show up in every batch. Everything else is the real game's physics; evaluation and
the envs always play the real game.
"""

from __future__ import annotations

import numpy as np

from flappy_pg.game.config import GameConfig
from flappy_pg.game.core import Physics, _mix64

_SALT = np.uint64(0xD1B54A32D192ED03)  # a second, independent hash of the same pipe
_U11 = np.uint64(11)


class DropHeavyPhysics(Physics):
    """`Physics` whose batch games put a share `extreme_share` of pipes at an extreme height."""

    def __init__(self, config: GameConfig, extreme_share: float):
        super().__init__(config)
        self.extreme_share = extreme_share

    def gap_of_hash_input(self, z: np.ndarray) -> np.ndarray:
        h = _mix64(z ^ _SALT)  # before the real draw, which works in place on `z`
        gaps = super().gap_of_hash_input(z)
        extreme = (h >> _U11).astype(np.float64) * 2.0 ** -53 < self.extreme_share
        top = (h & np.uint64(1)).astype(bool)
        gaps[extreme] = np.where(top[extreme], self.gap_min, self.gap_min + self.gap_choices - 1)
        return gaps


def training_physics(config: GameConfig, extreme_share: float) -> Physics:
    """The real game's physics, or the drop-heavy one when `extreme_share` > 0."""
    return DropHeavyPhysics(config, extreme_share) if extreme_share > 0 else Physics(config)
