"""Pixel observations: a small grayscale frame of the game, drawn by numpy from the core's state.

The frame is the screen at 1/8 scale: 64 rows x 36 columns of 8 x 8-pixel cells (2,304 bytes, the
screen's aspect kept). Each cell shows what covers the screen pixel at its centre (x = 8c + 4,
y = 8r + 4), using the same boxes as the crash test and the renderer: sky 0, pipe 128, ground 64,
bird 255. At this scale the bird is a 4 x 3 block, the gap 12 or 13 rows and the bird's height
readable to 8 pixels, while a batch of 1,024 frames is 2.4 MB, which numpy can draw more than a
million times a second. (An 84 x 84 frame, the DQN size, distorts the tall screen and is three times
larger.) One frame shows no speed: stack frames (`gymnasium.wrappers.FrameStackObservation`).

Drawing is batched over games: each column of the frame is a column of one of a few precomputed
patterns (sky and ground, or a pipe with its gap at one of the possible heights), so a frame is one
table lookup, then the bird's block is drawn over it.
"""

from __future__ import annotations

import math

import numpy as np

from flappy_pg.config import GameConfig
from flappy_pg.core import Physics

CELL = 8  # screen pixels per cell, both ways
SKY, GROUND, PIPE, BIRD = 0, 64, 128, 255


class PixelFrames:
    """Draws the frames of one game config: `of_batch(games)` for a `GameBatch`, `of_game(game)`
    for one game (anything with y, t, key, next_index, next_gap, after_gap)."""

    def __init__(self, config: GameConfig):
        c = self.config = config
        self.physics = Physics(config)
        self.shape = (math.ceil(c.screen_height / CELL), math.ceil(c.screen_width / CELL))
        rows, cols = self.shape
        self.centre_y = np.arange(rows) * CELL + CELL // 2  # screen pixel sampled by each cell
        self.centre_x = np.arange(cols) * CELL + CELL // 2
        self.rows = np.arange(rows)[None, :, None]  # row indices, broadcast over games and columns
        # Column patterns: pattern g (a gap top of gap_top_min + g) has the pipe outside rows
        # [gap, gap + pipe_gap); the last pattern has no pipe. Ground covers both.
        gaps = np.arange(c.gap_top_min, c.gap_top_max + 1)
        y = self.centre_y[:, None]
        table = np.where((y < gaps) | (y >= gaps + c.pipe_gap), PIPE, SKY)
        table = np.concatenate([table, np.full((rows, 1), SKY)], axis=1)
        table[self.centre_y >= int(c.ground_y)] = GROUND  # the renderer's ground row
        self.table = table.astype(np.uint8)  # rows x patterns
        self.no_pipe = table.shape[1] - 1
        # Pipes that can be on screen, relative to the next one: before it (still visible left of
        # the bird) and after it (up to the right edge).
        p = self.physics
        self.before = c.bird_x // c.pipe_spacing + 1
        self.after = math.ceil((c.screen_width - p.switch_x) / c.pipe_spacing)
        columns = np.flatnonzero((self.centre_x >= c.bird_x) & (self.centre_x < c.bird_x + c.bird_width))
        self.bird_columns = slice(columns[0], columns[-1] + 1)  # the bird never moves sideways

    def draw(self, y, pipe_x, key, next_index, next_gap, after_gap) -> np.ndarray:
        """Frames (N x rows x cols, uint8) of N games given as arrays: the bird's top `y`, the
        next pipe's left edge `pipe_x`, the pipe `key`, `next_index` and the gaps of the next
        pipe and the one after it."""
        c, p = self.config, self.physics
        n = len(y)
        pattern = np.full((n, self.shape[1]), self.no_pipe, dtype=np.intp)
        for offset in range(-self.before, self.after + 1):
            index = next_index + offset
            if offset == 0:
                gap = next_gap
            elif offset == 1:
                gap = after_gap
            else:
                gap = p.gap_top(key, np.maximum(index, 0).astype(np.uint64))
            x = (pipe_x + offset * c.pipe_spacing)[:, None]
            covers = (self.centre_x >= x) & (self.centre_x < x + c.pipe_width) & (index >= 0)[:, None]
            np.copyto(pattern, (gap - c.gap_top_min)[:, None], where=covers)
        frames = self.table[self.rows, pattern[:, None, :]]
        top = np.asarray(y)[:, None]
        bird_rows = (self.centre_y >= top) & (self.centre_y < top + c.bird_height)  # N x rows
        np.copyto(frames[:, :, self.bird_columns], BIRD, where=bird_rows[:, :, None])
        return frames

    def of_batch(self, games) -> np.ndarray:
        return self.draw(games.y, games.pipe_x, games.key, games.next_index, games.next_gap,
                         games.after_gap)

    def of_game(self, game) -> np.ndarray:
        """One game's frame (rows x cols)."""
        pipe_x = self.physics.pipe_x(game.t, game.next_index)
        y, pipe_x, next_index, next_gap, after_gap = (
            np.array([v]) for v in (game.y, pipe_x, game.next_index, game.next_gap, game.after_gap))
        return self.draw(y, pipe_x, np.array([game.key], dtype=np.uint64), next_index, next_gap,
                         after_gap)[0]
