"""The feature observation: what a player sees on screen, as 8 normalized floats.

| index | name | meaning |
| 0 | bird_y | the bird's top, / screen height |
| 1 | bird_speed | vertical speed (+ is down), / max fall speed |
| 2 | pipe1_dx | from the bird's left edge to the next pipe's right edge, / screen width |
| 3 | pipe1_top | from the bird's top to the next gap's top edge (+ is below), / screen height |
| 4 | pipe1_bottom | from the bird's bottom to the next gap's bottom edge, / screen height |
| 5-7 | pipe2_* | the same for the pipe after it |

A pipe that has not yet scrolled onto the screen cannot be seen: until it does, its features read
as if it stood at the screen's right edge with its gap in the middle of the range gaps can take.
Every value lies in the bounds `bounds(config)` gives (the env's Box), by construction.
"""

from __future__ import annotations

import numpy as np

from flappy_pg.game.config import GameConfig
from flappy_pg.game.core import Physics

FEATURES = ("bird_y", "bird_speed", "pipe1_dx", "pipe1_top", "pipe1_bottom",
            "pipe2_dx", "pipe2_top", "pipe2_bottom")
LAYOUT = "features-v1"  # saved with checkpoints: a policy only runs on the layout it learned


class Features:
    """Computes the features for one game (numbers in, tuple of floats out, `ops=ScalarOps`) or
    a batch (arrays in, tuple of arrays out, `ops=numpy`); constants are folded once here because
    this runs every frame."""

    def __init__(self, config: GameConfig, ops=np):
        c = config
        self.ops = ops
        self.physics = Physics(c, ops)
        self.width, self.inv_width, self.inv_height = c.screen_width, 1 / c.screen_width, 1 / c.screen_height
        self.inv_fall = 1 / c.max_fall_speed
        self.dx_offset = c.pipe_width - c.bird_x
        self.unseen_gap = (c.gap_top_min + c.gap_top_max) / 2
        self.gap_below = c.pipe_gap - c.bird_height
        self._buffer = None  # of_batch's, sized to the last batch
        self._pipe_offsets = np.array([[0], [c.pipe_spacing]])
        self._even_spacing = c.pipe_spacing_swing == 0

    def __call__(self, y, vel, t, next_index, next_gap, after_gap) -> tuple:
        inv_w, inv_h, width, unseen = self.inv_width, self.inv_height, self.width, self.unseen_gap
        minimum, where = self.ops.minimum, self.ops.where
        x1 = self.physics.pipe_x(t, next_index)
        x2 = x1 + self.physics.distance_after(next_index)
        gap1, gap2 = where(x1 > width, unseen, next_gap), where(x2 > width, unseen, after_gap)
        x1, x2 = minimum(x1, width), minimum(x2, width)
        top1, top2 = (gap1 - y) * inv_h, (gap2 - y) * inv_h
        below = self.gap_below * inv_h
        return (y * inv_h, vel * self.inv_fall,
                (x1 + self.dx_offset) * inv_w, top1, top1 + below,
                (x2 + self.dx_offset) * inv_w, top2, top2 + below)

    def of_batch(self, games) -> np.ndarray:
        """The N x 8 float32 observations of a `GameBatch`: the arithmetic of `__call__`, operation
        for operation in float64 (so the values are identical), on both pipes at once. The
        result is the transpose of an 8 x N array (a view, not C-contiguous), which saves a copy."""
        n = games.num_games
        if self._buffer is None or self._buffer.shape[1] != n:
            self._buffer = np.empty((2, n))
            self._x, self._unseen = np.empty((2, n), dtype=np.int64), np.empty((2, n), dtype=bool)
        top, x, unseen = self._buffer, self._x, self._unseen
        obs = np.empty((8, n), dtype=np.float32)  # rows in FEATURES order
        y = games.y
        np.multiply(y, self.inv_height, out=obs[0])
        np.multiply(games.vel, self.inv_fall, out=obs[1])
        np.add(games.pipe_x, self._pipe_offsets, out=x)  # both pipes' left edges
        if not self._even_spacing:
            x[1] += self.physics.distance_after(games.next_index) - self._pipe_offsets[1]
        np.greater(x, self.width, out=unseen)
        np.subtract(np.where(unseen, self.unseen_gap, games.gaps), y, out=top)
        top *= self.inv_height
        obs[3::3] = top
        np.add(top, self.gap_below * self.inv_height, out=obs[4::3])
        np.minimum(x, self.width, out=x)
        x += self.dx_offset
        np.multiply(x, self.inv_width, out=obs[2::3])
        return obs.T


def bounds(config: GameConfig) -> tuple[np.ndarray, np.ndarray]:
    """Low and high bound of each feature for this game (float32 arrays)."""
    c = config
    width, height = c.screen_width, c.screen_height
    y_low, y_high = c.highest_bird_y, c.lowest_bird_y
    gap_low, gap_high = c.gap_top_min, c.gap_top_max
    pipe = [(0.0, (width + c.pipe_width - c.bird_x) / width),
            ((gap_low - y_high) / height, (gap_high - y_low) / height),
            ((gap_low + c.pipe_gap - y_high - c.bird_height) / height,
             (gap_high + c.pipe_gap - y_low - c.bird_height) / height)]
    rows = [(y_low / height, y_high / height),
            (c.flap_speed / c.max_fall_speed, (c.max_fall_speed + c.gravity) / c.max_fall_speed),
            *pipe, *pipe]
    low, high = np.array(rows, dtype=np.float32).T
    return low, high
