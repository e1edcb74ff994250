"""The simulation core: Flappy Bird's physics, the one source of truth for every other part.

Pure Python and numpy, no pygame. `Physics` holds the rules; each rule is plain arithmetic that
works unchanged on Python numbers (one game, `SingleGame`) and on numpy arrays (N games advanced
in one array step, `GameBatch`), so both drivers run the very same physics.

A game's state is small: the bird's top `y` and vertical speed `vel`, the frame count `t` (pipes
scroll at a constant speed, so every pipe's position follows from `t`), the `score`, and a 64-bit
pipe `key`; pipe `i`'s gap height is a hash of (`key`, `i`), so a game is deterministic for a seed
and any pipe can be looked up at any time. A game's episodes draw their keys from one 64-bit
`stream` (drawn from its random generator when seeded): episode `e` plays `episode_key(stream, e)`,
so a batch of games restarts with no Python loop over generators.

Order of one frame: the action (a flap sets the speed, else gravity), the bird moves (never below
the ground), pipes scroll, then the crash test on the new positions (exactly what is drawn), then
a pipe whose centre the bird's centre reached counts as passed unless the bird crashed. The sky
has no ceiling: flaps are ignored while the bird is above `flap_ceiling` (off-screen), and pipes
extend upwards without end, so flying over a pipe above the screen is a crash.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from flappy_pg.game.config import GameConfig

_MASK64 = (1 << 64) - 1

# The bird sprite's opaque pixels, column by column from its left edge: the topmost and the
# bottommost opaque row over its three wing frames together (tests check them against assets/).
# Pipes reach from their gap's edge to the top of the sky and to the ground, so these two rows
# alone decide whether the sprite touches a pipe.
SPRITE_TOP = (10, 8, 6, 5, 4, 4, 3, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0,
              0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 4, 4, 5, 6, 8, 10)
SPRITE_BOTTOM = (13, 17, 18, 19, 20, 20, 21, 21, 21, 22, 22, 22, 22, 23, 23, 23, 23,
                 23, 23, 23, 23, 22, 22, 22, 22, 21, 21, 21, 21, 21, 20, 20, 19, 18)


class ScalarOps:
    """`minimum`, `maximum` and `where` for Python numbers, mirroring numpy's for arrays."""

    minimum, maximum = min, max

    @staticmethod
    def where(condition, if_true, if_false):
        return if_true if condition else if_false


#: Between the keys of a game's consecutive episodes. `gap_top` hashes key + (i + 1) * golden,
#: so episode e's pipe i hashes stream + golden * (e * 2**32 + i + 1): distinct for every
#: (episode, pipe) below 2**32 each, as multiplying by the odd golden constant is a bijection.
GOLDEN = 0x9E3779B97F4A7C15  # 2**64 / the golden ratio, odd: the hashes' step
EPISODE_STRIDE = (GOLDEN << 32) & _MASK64


def draw_key(rng: np.random.Generator) -> int:
    """A 64-bit key (a game's stream) from its generator: its only random draw."""
    return rng.bit_generator.random_raw()


def episode_key(stream, episode):
    """Pipe key of episode `episode` (0, 1, ...) of the game with this stream: Python ints, or
    uint64 arrays. Episode 0 plays the stream itself."""
    if isinstance(stream, np.ndarray):
        with np.errstate(over="ignore"):
            return stream + episode.astype(np.uint64) * np.uint64(EPISODE_STRIDE)
    return (stream + episode * EPISODE_STRIDE) & _MASK64


_ONE, _U30, _U27, _U31 = np.uint64(1), np.uint64(30), np.uint64(27), np.uint64(31)
_MUL1, _MUL2, _GOLDEN = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB), np.uint64(GOLDEN)


def _mix64(z: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer on uint64 arrays (wrapping arithmetic), in place on `z`."""
    z ^= z >> _U30
    z *= _MUL1
    z ^= z >> _U27
    z *= _MUL2
    z ^= z >> _U31
    return z


def episode_keys(seed: int, round_index: int, games: int) -> np.ndarray:
    """Pipe keys of `games` new episodes, a hash of (seed, round, game): drawn for a whole batch
    in a few array operations, with no Python loop over per-game generators. Used by training
    rollouts; the envs draw theirs from Gymnasium's `np_random`."""
    with np.errstate(over="ignore"):
        base = _mix64(np.array([seed], dtype=np.uint64) + _GOLDEN)
        counter = np.uint64(round_index) * np.uint64(1 << 20) + np.arange(1, games + 1, dtype=np.uint64)
        return _mix64(base + counter * _GOLDEN)


class Physics:
    """The rules of the game for one `GameConfig`. `ops` is `numpy` for a batch of games and
    `ScalarOps` for one; everything else in the rules is plain arithmetic."""

    def __init__(self, config: GameConfig, ops=np):
        self.ops = ops
        c = self.config = config
        self.lowest_y = c.lowest_bird_y
        self.ground_crash_y = c.ground_y - 1 - c.bird_height  # the bird's top at which it crashes
        self.gap_min = c.gap_top_min
        self.gap_choices = c.gap_top_max - c.gap_top_min + 1
        self._choices, self._gap_min = np.uint64(self.gap_choices), np.uint64(self.gap_min)
        self.pipe_offset = c.bird_x - c.pipe_width - c.first_pipe_x
        self.gap_below = c.pipe_gap - c.bird_height  # the bird's top may lie this far below a gap's top
        self.column_x = c.bird_x + c.bird_width  # a pipe left of this overlaps the bird's columns
        self.switch_x = c.bird_x - c.pipe_width  # a pipe at or left of this is behind the bird
        # Counted in half pixels so that odd sprite widths stay whole numbers.
        self.pass_offset2 = 2 * c.bird_x + c.bird_width - 2 * c.first_pipe_x - c.pipe_width
        self.upper_reach, self.lower_reach = self._reaches(c)
        if ops is not np:  # Python floats keep one game's state in Python numbers
            self.upper_reach, self.lower_reach = self.upper_reach.tolist(), self.lower_reach.tolist()
        self.is_box = c.bird_shape == "box"
        self.even_spacing = c.pipe_spacing_swing == 0

    @staticmethod
    def _reaches(c: GameConfig) -> tuple[np.ndarray, np.ndarray]:
        """Lookups by the next pipe's offset o = pipe_x - switch_x (1 <= o; clip at the end):
        the bird crashes into the upper pipe if y + upper_reach[o] < gap top, into the lower one
        if y > gap top + lower_reach[o]. They come from the bird's top and bottom opaque rows over
        the columns the pipe overlaps; inf where it overlaps none."""
        if c.bird_shape == "sprite":
            top, bottom = np.array(SPRITE_TOP), np.array(SPRITE_BOTTOM)
        else:
            top, bottom = np.zeros(c.bird_width), np.full(c.bird_width, c.bird_height - 1)
        size = c.pipe_width + c.bird_width + 1
        upper, lower = np.full(size, np.inf), np.full(size, np.inf)
        for o in range(1, size - 1):
            columns = slice(max(o - c.pipe_width, 0), min(o, c.bird_width))
            upper[o] = top[columns].min()
            lower[o] = c.pipe_gap - 1 - bottom[columns].max()
        return upper, lower

    def move_bird(self, y, vel, flap):
        """One frame of the bird: a flap (allowed below the ceiling) or gravity, then the move."""
        c = self.config
        falling = vel + c.gravity * (vel < c.max_fall_speed)
        vel = self.ops.where(flap & (y > c.flap_ceiling), c.flap_speed, falling)
        return self.ops.minimum(y + vel, self.lowest_y), vel

    def pipe_x(self, t, index):
        """Left edge of pipe `index` at frame `t`: pipes are alternately spacing - swing and
        spacing + swing apart, so odd pipes sit `swing` left of the even spacing."""
        c = self.config
        return c.first_pipe_x + index * c.pipe_spacing - c.pipe_spacing_swing * (index & 1) - t * c.pipe_speed

    def distance_after(self, index):
        """Distance from pipe `index`'s left edge to the next pipe's."""
        c = self.config
        return c.pipe_spacing - c.pipe_spacing_swing + 2 * c.pipe_spacing_swing * (index & 1)

    def _pipes_up_to(self, reach, scale: int = 1):
        """How many pipes i >= 0 have (pipe_x(0, i) - first_pipe_x) * scale <= reach."""
        c = self.config
        pair = 2 * c.pipe_spacing * scale
        pairs = reach // pair
        odd_in = (reach - pairs * pair) >= (c.pipe_spacing - c.pipe_spacing_swing) * scale
        return self.ops.maximum(2 * pairs + 1 + odd_in, 0)

    def next_pipe(self, t):
        """Index of the first pipe whose right edge is still right of the bird's left edge."""
        return self._pipes_up_to(t * self.config.pipe_speed + self.pipe_offset)

    def pipes_passed(self, t):
        """How many pipes' centres the bird's centre has reached by frame `t` (in half pixels)."""
        return self._pipes_up_to(2 * self.config.pipe_speed * t + self.pass_offset2, scale=2)

    def gap_top(self, key, index):
        """Top edge of pipe `index`'s gap: a splitmix64 hash of the game's key and the index.
        For arrays, `key` and `index` must be uint64 (which wraps, so no masking is needed)."""
        if isinstance(key, np.ndarray):
            return self.gap_of_hash_input((index + _ONE) * _GOLDEN + key)  # shapes broadcast
        z = (key + (index + 1) * GOLDEN) & _MASK64
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
        z = z ^ (z >> 31)
        return self.gap_min + z % self.gap_choices

    def gap_of_hash_input(self, z: np.ndarray) -> np.ndarray:
        """`gap_top` for uint64 arrays from key + (index + 1) * golden (reused in place)."""
        z = _mix64(z)
        z %= self._choices
        z += self._gap_min
        return z.view(np.int64)

    def crashed(self, y, t, next_index, next_gap):
        """The bird's box touches the ground, or its shape overlaps the next pipe outside the gap."""
        # `next_index` already guarantees the pipe's right edge is right of the bird's left edge.
        offset = self.ops.minimum(self.pipe_x(t, next_index) - self.switch_x, len(self.upper_reach) - 1)
        pipe = (y + self.upper_reach[offset] < next_gap) | (y > next_gap + self.lower_reach[offset])
        return (y >= self.ground_crash_y) | pipe


class SingleGame:
    """One game on Python numbers: the fast path behind the single Gymnasium env."""

    def __init__(self, physics: Physics):
        self.physics = physics
        self.reset(0)

    def reset(self, key: int) -> None:
        c = self.physics.config
        self.key = key
        self.y, self.vel = float(c.bird_start_y), float(c.flap_speed)
        self.t = self.score = 0
        self.crashed = False
        self.next_index = 0
        self.next_gap = self.physics.gap_top(key, 0)
        self.after_gap = self.physics.gap_top(key, 1)

    def step(self, flap: bool) -> bool:
        """Advance one frame; returns True if a pipe was passed in it."""
        p = self.physics
        self.y, self.vel = p.move_bird(self.y, self.vel, flap)
        self.t += 1
        k = p.next_pipe(self.t)
        if k != self.next_index:  # the pipe after becomes the next one (k grows by 1 at most)
            self.next_index, self.next_gap = k, self.after_gap
            self.after_gap = p.gap_top(self.key, k + 1)
        self.crashed = p.crashed(self.y, self.t, k, self.next_gap)
        passed = not self.crashed and p.pipes_passed(self.t) > self.score
        self.score += passed
        return passed


class GameBatch:
    """N games in numpy arrays, advanced together by one `step`.

    The step applies `Physics`' rules in place, with as few array operations as it can: besides
    the state, each game carries the next pipe's left edge `pipe_x` (= `Physics.pipe_x(t,
    next_index)`) and `to_pass`, the distance in half pixels from the bird's centre to the centre
    of pipe `score`, both moved by the pipe speed each frame instead of recomputed from `t`. The
    integers are the same; tests hold the batch to `SingleGame` frame by frame."""

    STATE = ("key", "y", "vel", "t", "score", "crashed", "next_index", "next_gap", "after_gap")
    # The whole-number state lives in the rows of one array, so that a restart is one array
    # operation instead of several.
    INT_ROWS = ("t", "pipe_x", "to_pass", "score", "next_index", "next_gap", "after_gap")

    def __init__(self, physics: Physics, num_games: int):
        p, c = physics, physics.config
        self.physics = physics
        self.num_games = n = num_games
        self.key = np.zeros(n, dtype=np.uint64)
        self.crashed = np.zeros(n, dtype=bool)
        self._ints = np.zeros((len(self.INT_ROWS), n), dtype=np.int64)
        self._floats = np.zeros((2, n))  # y, vel
        self._bind()
        self._scratch = np.zeros((2, n), dtype=bool)
        self._limit = np.zeros(n)
        self._start_ints = np.array([[0], [c.first_pipe_x], [-p.pass_offset2], [0], [0]])
        self._start_floats = np.array([[c.bird_start_y], [c.flap_speed]])
        self._first_pipes = np.array([[1], [2]], dtype=np.uint64) * _GOLDEN  # gap_top's offsets

    @property
    def gaps(self) -> np.ndarray:
        """2 x N view: the next pipe's gap top and the one after it."""
        return self._ints[5:]

    def _bind(self) -> None:
        (self.t, self.pipe_x, self.to_pass, self.score, self.next_index, self.next_gap,
         self.after_gap) = self._ints
        self.y, self.vel = self._floats

    def select(self, rows: np.ndarray) -> "GameBatch":
        """A new batch holding copies of the games `rows` (an index may repeat)."""
        chosen = GameBatch(self.physics, len(rows))
        chosen.key, chosen.crashed = self.key[rows], self.crashed[rows]
        chosen._ints, chosen._floats = self._ints[:, rows], self._floats[:, rows]
        chosen._bind()
        return chosen

    def put(self, rows: np.ndarray, source: "GameBatch", source_rows: np.ndarray) -> None:
        """Copy the games `source_rows` of `source` into the slots `rows` (to go on from there)."""
        self.key[rows], self.crashed[rows] = source.key[source_rows], source.crashed[source_rows]
        self._ints[:, rows] = source._ints[:, source_rows]
        self._floats[:, rows] = source._floats[:, source_rows]

    def game(self, index: int) -> SimpleNamespace:
        """Game `index`'s state as Python numbers (what the renderer draws)."""
        return SimpleNamespace(**{name: getattr(self, name)[index].item() for name in self.STATE})

    def reset(self, games: np.ndarray, keys: np.ndarray) -> None:
        """Start new games in the slots `games` (indices) with pipe keys `keys`."""
        keys = np.asarray(keys, dtype=np.uint64)
        self.key[games] = keys
        self.crashed[games] = False
        self._floats[:, games] = self._start_floats
        self._ints[:5, games] = self._start_ints  # t, pipe_x, to_pass, score, next_index
        self._ints[5:, games] = self.physics.gap_of_hash_input(keys + self._first_pipes)  # pipes 0, 1

    def step(self, flap: np.ndarray) -> np.ndarray:
        """Advance every game one frame; returns which games passed a pipe in it (a new array;
        the state arrays, `crashed` included, are updated in place)."""
        p, c = self.physics, self.physics.config
        y, vel, crashed = self.y, self.vel, self.crashed
        can_flap, falling = self._scratch
        np.greater(y, c.flap_ceiling, out=can_flap)
        can_flap &= flap
        np.less(vel, c.max_fall_speed, out=falling)
        vel += np.multiply(falling, c.gravity, out=self._limit)
        np.copyto(vel, c.flap_speed, where=can_flap)
        y += vel
        np.minimum(y, p.lowest_y, out=y)
        self.t += 1
        self.pipe_x -= c.pipe_speed
        self.to_pass -= 2 * c.pipe_speed
        moved_on = np.flatnonzero(self.pipe_x <= p.switch_x)
        if moved_on.size:  # the pipe after becomes the next one (one at most per frame)
            t, pipe_x, to_pass, score, index, gap, after = block = self._ints[:, moved_on]
            pipe_x += p.distance_after(index)
            index += 1
            gap[:] = after
            after[:] = p.gap_top(self.key[moved_on], index.view(np.uint64) + _ONE)
            self._ints[:, moved_on] = block
        # Physics.crashed: outside the gap while in the pipe's columns, or on the ground.
        # The box's reaches are 0 and gap_below in every overlapped column: comparing without the
        # lookup keeps the default game's batch step about 10% faster (68 against 76 ms per
        # 1,000 steps of 2,048 games).
        if p.is_box:
            np.less(y, self.next_gap, out=crashed)
            np.add(self.next_gap, p.gap_below, out=self._limit)
            crashed |= np.greater(y, self._limit, out=falling)
            crashed &= np.less(self.pipe_x, p.column_x, out=falling)
        else:
            offset = np.minimum(self.pipe_x - p.switch_x, len(p.upper_reach) - 1)
            np.less(y + p.upper_reach[offset], self.next_gap, out=crashed)
            crashed |= np.greater(y, self.next_gap + p.lower_reach[offset], out=falling)
        crashed |= np.greater_equal(y, p.ground_crash_y, out=falling)
        # Physics.pipes_passed: pipe `score` counts once the bird's centre reaches its centre.
        passed = self.to_pass <= 0
        np.greater(passed, crashed, out=passed)  # and not crashed
        self.score += passed
        # the next centre lies one distance further: after pipe score - 1, the one just passed
        to_next = 2 * (c.pipe_spacing if p.even_spacing else p.distance_after(self.score - 1))
        np.add(self.to_pass, to_next, out=self.to_pass, where=passed)
        return passed
