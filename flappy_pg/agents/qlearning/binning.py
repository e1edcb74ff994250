"""Binning feature observations into Q-table cells.

The cell is (dx bin, dy bin, speed bin[, rise bin]): the bird's horizontal and vertical distance
to the next gap (its right edge and its bottom edge) and its vertical speed (whole pixels per
frame), read back from the feature observation. A `uniform` grid has `cell`-pixel bins (the
classic bots' grid); a `focused` grid has `cell`-pixel bins where a pixel decides between life
and death (within 100 px of the pipe's right edge, and from 30 px below the gap's bottom to 34 px
above the highest place the bird fits), coarse bins elsewhere. `next_cell` > 0 adds how far the
gap after next lies above or below the next one, which a player sees and the classic state lacks.
"""

from __future__ import annotations

import bisect
import math

import numpy as np

from flappy_pg.game.config import GameConfig


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

