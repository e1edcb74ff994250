"""A race: N birds through the same pipes at the same frames, from the same start.

One `GameBatch` of N birds sharing one pipe key, so the pipes are one set (what the renderer
draws once) and every bird meets them exactly as a single game on that key would. Each bird
crashes on its own: a crashed bird stays where it fell, keeps its score and its crash frame,
and never stops the others.
"""

from __future__ import annotations

import numpy as np

from flappy_pg.game.config import GameConfig
from flappy_pg.game.core import GameBatch, Physics


class Race:
    def __init__(self, config: GameConfig, birds: int):
        self.config = config
        self.physics = Physics(config)
        self.games = GameBatch(self.physics, birds)
        self.birds = birds
        self.reset(0)

    def reset(self, key: int) -> None:
        """A new round: every bird at the start, on the pipes of `key`."""
        self.key = int(key)
        self.games.reset(np.arange(self.birds), np.full(self.birds, self.key, dtype=np.uint64))
        self.out = np.zeros(self.birds, dtype=bool)  # crashed, or stopped at the score limit
        self.crash_frame = np.full(self.birds, -1)
        self.frame = 0

    @property
    def flying(self) -> np.ndarray:
        return ~self.out

    @property
    def scores(self) -> np.ndarray:
        return self.games.score

    @property
    def crashed(self) -> np.ndarray:
        return self.crash_frame >= 0

    def step(self, flaps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One frame for every bird still flying (`flaps`: one flag per bird; birds that are out
        ignore theirs). Returns (passed a pipe, crashed) for this frame."""
        g, out = self.games, self.out
        held = (g.y[out].copy(), g.vel[out].copy(), g.score[out].copy())
        passed = g.step(np.asarray(flaps, dtype=bool) & ~out)
        # Birds that are out stay as they were: where they fell, with their score.
        g.y[out], g.vel[out], g.score[out] = held
        g.crashed[out] = self.crashed[out]
        passed &= ~out
        crashed = g.crashed & ~out
        self.frame += 1
        self.crash_frame[crashed] = self.frame
        self.out |= crashed
        return passed, crashed

    def stop(self, birds: np.ndarray) -> None:
        """Take `birds` out of the race without a crash (a score limit reached)."""
        self.out |= birds
