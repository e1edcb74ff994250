"""Pixel observations: a small grayscale frame of the game, drawn by numpy from the core's state.

The frame is the screen at 1/8 scale: 64 rows x 36 columns of 8 x 8-pixel cells (2,304 bytes, the
screen's aspect kept). Each cell shows what covers the screen pixel at its centre (x = 8c + 4,
y = 8r + 4), using the pipes' and the ground's boxes of the crash test and the renderer: sky 0,
pipe 128, ground 64, bird 255 (its box: at this scale the sprite's outline is below one cell).
At this scale the bird is a 4 x 3 block, the gap 12 or 13 rows and the bird's height readable
to 8 pixels, while a batch of 1,024 frames is 2.4 MB, which numpy can draw more than a
million times a second. (An 84 x 84 frame, the DQN size, distorts the tall screen and is three times
larger.) One frame shows no speed: stack frames (`gymnasium.wrappers.FrameStackObservation`), or use
`PixelPairs` (`obs_type="pixel-pairs"`): the frame a step ago and the frame now, both drawn from
the current state (the bird moved by its speed and the pipes by theirs in the last frame), so
that an observation is still a function of the state, as a policy trained in batches needs.

Drawing is batched over games: each column of the frame is one of a few precomputed patterns (sky
and ground, or a pipe with its gap at one of the possible heights), so a frame is one lookup of
whole columns, then the bird's block is drawn over it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np

from flappy_pg.game.config import GameConfig
from flappy_pg.game.core import Physics

CELL = 8  # screen pixels per cell, both ways
SKY, GROUND, PIPE, BIRD = 0, 64, 128, 255


@dataclass
class FrameLayout:
    """N frames before they are drawn: each column's pattern (N x cols, an index into
    `PixelFrames.patterns`), and the bird's block, rows `top` to `top + height - 1` of the bird's
    columns (a row outside the frame is not drawn)."""

    pattern: np.ndarray
    top: np.ndarray
    height: np.ndarray


class PixelFrames:
    """Draws the frames of one game config: `of_batch(games)` for a `GameBatch`, `of_game(game)`
    for one game (anything with y, t, key, next_index, next_gap, after_gap). With `columns`
    (first, last), only those columns of each frame: the same cells, drawn for less."""

    def __init__(self, config: GameConfig, lookback: bool = False,
                 columns: tuple[int, int] | None = None):
        c = self.config = config
        self.physics = Physics(config)
        rows, cols = math.ceil(c.screen_height / CELL), math.ceil(c.screen_width / CELL)
        self.window = slice(*(columns or (0, cols)))
        self.centre_y = np.arange(rows) * CELL + CELL // 2  # screen pixel sampled by each cell
        self.centre_x = (np.arange(cols) * CELL + CELL // 2)[self.window]
        if not len(self.centre_x):
            raise ValueError(f"columns {columns} hold none of the frame's {cols} columns")
        self.shape = (rows, len(self.centre_x))
        self.row_index = np.arange(rows, dtype=np.int16)
        # Column patterns: pattern g (a gap top of gap_top_min + g) has the pipe outside rows
        # [gap, gap + pipe_gap); the last pattern has no pipe. Ground covers both.
        gaps = np.arange(c.gap_top_min, c.gap_top_max + 1)[:, None]
        y = self.centre_y[None, :]
        patterns = np.where((y < gaps) | (y >= gaps + c.pipe_gap), PIPE, SKY)
        patterns = np.concatenate([patterns, np.full((1, rows), SKY)])
        patterns[:, self.centre_y >= int(c.ground_y)] = GROUND  # the renderer's ground row
        self.patterns = patterns.astype(np.uint8)  # patterns x rows
        self.no_pipe = len(patterns) - 1
        self.background = np.ascontiguousarray(np.broadcast_to(self.patterns[self.no_pipe][:, None], (rows, cols)))
        self.ground_row = int(np.searchsorted(self.centre_y, int(c.ground_y)))  # first ground row
        # Pipes that can be on screen, relative to the next one: before it (still visible left of
        # the bird) and after it (up to the right edge).
        p = self.physics
        # The next pipe's left edge lies in (switch_x, switch_x + spacing]; counted with the
        # shorter of the two distances between pipes.
        shortest = c.pipe_spacing - c.pipe_spacing_swing
        self.before = math.ceil((c.bird_x + shortest) / shortest) - 1
        # With `lookback`, `draw` also covers the frame a step ago, whose pipes lay pipe_speed
        # further right (it may need one more pipe).
        reach = c.screen_width - p.switch_x + (c.pipe_speed if lookback else 0)
        self.after = math.ceil((reach - 1) / shortest) - 1
        self.offsets = np.arange(-self.before, self.after + 1)
        bird = np.flatnonzero((self.centre_x >= c.bird_x) & (self.centre_x < c.bird_x + c.bird_width))
        # the bird never moves sideways (a window may leave it out)
        self.bird_columns = slice(bird[0], bird[-1] + 1) if len(bird) else slice(0, 0)

    def draw(self, y, pipe_x, key, next_index, next_gap, after_gap) -> np.ndarray:
        """Frames (N x rows x cols, uint8) of N games given as arrays: the bird's top `y`, the
        next pipe's left edge `pipe_x`, the pipe `key`, `next_index` and the gaps of the next
        pipe and the one after it. The result is a transposed view of an N x cols x rows array
        (each frame column is one pattern, copied whole), not C-contiguous."""
        return self.draw_layout(self.layout(y, pipe_x, key, next_index, next_gap, after_gap))

    def layout(self, y, pipe_x, key, next_index, next_gap, after_gap) -> "FrameLayout":
        """What `draw` draws, before drawing it: each column's pattern and the bird's rows."""
        c, p = self.config, self.physics
        n = len(y)
        # Each column centre shows the pattern of the pipe it falls in, if any (pipes never overlap).
        pattern = np.full((n, len(self.centre_x)), self.no_pipe, dtype=np.intp)
        next_left = p.pipe_x(0, next_index)
        for offset in self.offsets:
            index = next_index + offset
            if offset in (0, 1):
                gap = next_gap if offset == 0 else after_gap
            else:
                gap = p.gap_top(key, np.maximum(index, 0).astype(np.uint64))
                gap = np.where(index >= 0, gap, self.no_pipe + c.gap_top_min)
            left = pipe_x + (p.pipe_x(0, index) - next_left)
            # centre_x - left in [0, pipe_width), as one unsigned comparison
            inside = (self.centre_x[None, :] - left[:, None]).view(np.uint64) < np.uint64(c.pipe_width)
            np.copyto(pattern, (gap - c.gap_top_min)[:, None], where=inside)
        top = _cells_from(y).astype(np.int16)
        height = _cells_from(y + c.bird_height).astype(np.int16) - top
        return FrameLayout(pattern, top, height)

    def draw_layout(self, layout: "FrameLayout") -> np.ndarray:
        frames = np.take(self.patterns, layout.pattern, axis=0)  # N x cols x rows
        # rows top .. top + height - 1, as one unsigned comparison (a row above `top` wraps round)
        bird_rows = (self.row_index - layout.top[:, None]).view(np.uint16) < \
            layout.height[:, None].view(np.uint16)
        bird = frames[:, self.bird_columns, :]
        bird |= (bird_rows.view(np.uint8) * np.uint8(BIRD))[:, None, :]  # BIRD is all ones
        return frames.transpose(0, 2, 1)

    def batch_layout(self, games, before: bool = False) -> FrameLayout:
        """The layout of a `GameBatch`'s frames now, or a step ago (`before`), drawn from the
        current state: the bird back by its speed, the pipes by theirs (needs `lookback`, which
        covers the pipe that may show only then)."""
        y, pipe_x = games.y, games.pipe_x
        if before:
            y, pipe_x = y - games.vel, pipe_x + self.config.pipe_speed
        return self.layout(y, pipe_x, games.key, games.next_index, games.next_gap, games.after_gap)

    def of_batch(self, games) -> np.ndarray:
        return self.draw_layout(self.batch_layout(games))

    def of_batch_before(self, games) -> np.ndarray:
        """The frames a step ago (`batch_layout`)."""
        return self.draw_layout(self.batch_layout(games, before=True))

    def of_game(self, game) -> np.ndarray:
        """One game's frame (rows x cols), drawn with slices: the same cells as `draw`."""
        c, p = self.config, self.physics
        frame = self.background.copy()
        ground_row = self.ground_row
        for index in range(max(game.next_index - self.before, 0), game.next_index + self.after + 1):
            x = p.pipe_x(game.t, index)
            left, right = max(_cells_from(x), 0), _cells_from(x + c.pipe_width)
            if right <= 0 or left >= frame.shape[1]:
                continue
            gap = p.gap_top(game.key, index)
            frame[:min(_cells_from(gap), ground_row), left:right] = PIPE
            frame[_cells_from(gap + c.pipe_gap):ground_row, left:right] = PIPE
        top, bottom = _cells_from(game.y), _cells_from(game.y + c.bird_height)
        frame[max(top, 0):max(bottom, 0), self.window][:, self.bird_columns] = BIRD
        return np.ascontiguousarray(frame[:, self.window])


class PixelPairs:
    """Observations of shape (2, rows, cols): the frame one step ago, then the frame now."""

    def __init__(self, config: GameConfig):
        self.frames = PixelFrames(config, lookback=True)
        self.shape = (2, *self.frames.shape)

    def of_batch(self, games) -> np.ndarray:
        pairs = np.empty((games.num_games, *self.shape), dtype=np.uint8)
        pairs[:, 0] = self.frames.of_batch_before(games)
        pairs[:, 1] = self.frames.of_batch(games)
        return pairs

    def of_game(self, game) -> np.ndarray:
        before = SimpleNamespace(y=game.y - game.vel, t=game.t - 1, key=game.key,
                                 next_index=game.next_index)
        return np.stack([self.frames.of_game(before), self.frames.of_game(game)])


class PixelPairCut:
    """The cells of a pixel pair that a pixel MLP reads, as one flat uint8 vector per game: rows
    [`rows`) of the columns [`past_columns`) of the frame a step ago, then of the columns
    [`columns`) of the frame now. `of_batch(games)` draws only those cells (what training
    draws); `flappy_pg.agents.reinforce.networks.PixelCrop` takes the same from whole pairs."""

    def __init__(self, config: GameConfig, columns: tuple[int, int], rows: tuple[int, int],
                 past_columns: tuple[int, int]):
        self.past = PixelFrames(config, lookback=True, columns=past_columns)
        self.now = PixelFrames(config, columns=columns)
        self.rows = slice(*rows)
        height = len(range(*self.rows.indices(self.now.shape[0])))
        if not height:
            raise ValueError(f"rows {rows} hold none of the frame's {self.now.shape[0]} rows")
        self.shape = (height * (self.past.shape[1] + self.now.shape[1]),)
        # Over the same columns, the past frames' drawer also lays out the frames now (the pipe
        # more it covers lies off screen now): one call for both halves the per-step overhead.
        self.same_columns = np.array_equal(self.past.centre_x, self.now.centre_x)

    def of_batch(self, games) -> np.ndarray:
        return self.draw_layouts(*self.layouts(games))

    def layouts(self, games) -> tuple[FrameLayout, FrameLayout]:
        """The layouts of the frame a step ago (its `past` columns) and now (its `now` ones)."""
        if not self.same_columns:
            return self.past.batch_layout(games, before=True), self.now.batch_layout(games)
        n, twice = games.num_games, (lambda a: np.concatenate([a, a]))
        both = self.past.layout(np.concatenate([games.y - games.vel, games.y]),
                                np.concatenate([games.pipe_x + self.past.config.pipe_speed,
                                                games.pipe_x]),
                                twice(games.key), twice(games.next_index), twice(games.next_gap),
                                twice(games.after_gap))
        return (FrameLayout(both.pattern[:n], both.top[:n], both.height[:n]),
                FrameLayout(both.pattern[n:], both.top[n:], both.height[n:]))

    def draw_layouts(self, past: FrameLayout, now: FrameLayout) -> np.ndarray:
        n = len(now.top)
        past, now = self.past.draw_layout(past), self.now.draw_layout(now)
        return np.concatenate([past[:, self.rows].reshape(n, -1), now[:, self.rows].reshape(n, -1)],
                              axis=1)


def _cells_from(position):
    """The first cell whose centre pixel lies at or after `position` (screen pixels): a number,
    or an array of them (the same arithmetic)."""
    if isinstance(position, np.ndarray):
        return np.ceil((position - CELL // 2) / CELL)
    return math.ceil((position - CELL // 2) / CELL)
