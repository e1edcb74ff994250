"""Death replays: a share of each round's training games starts from a state two pipes before a
recent training death, so that the rare situations that still kill a good policy come back often
enough to be learned.

Once a policy passes 99.99% of pipes, a batch of 256 games to 100 pipes holds two or three
deaths in a million steps, and an update has almost nothing to learn from. A replayed game goes
on from the saved state under the current policy (its pipes are the same, being drawn from the
game's key), plays at most `replay_pipes` pipes and is an ordinary complete episode: its return
is Monte Carlo, its actions on-policy. Only where episodes start changes. Evaluations always
play whole games from the start.

`DeathRecorder` follows one round's games and keeps, at each crash, the state the game had when
it passed the pipe before last (or its start); `DeathBank` holds the latest `BANK_SIZE` of them
and is saved in checkpoints, so that a resumed run draws the same replays.
"""

from __future__ import annotations

import numpy as np
import torch

from flappy_pg.errors import CheckpointError
from flappy_pg.game.core import GameBatch, Physics

BANK_SIZE = 512  # the most recent deaths a replay is drawn from


class DeathRecorder:
    """Called after each step of a round (`play_games`' `watch`): per episode, the state at its
    last pipe passed and at the one before; at a crash of a game that is not itself a replay
    (`replayed`), the one before is kept in `found`. (Banking the replays' own deaths again
    would fill the bank with the few states that kill every time, some of them hopeless.)"""

    def __init__(self, games: GameBatch, replayed: np.ndarray | None = None):
        every = np.arange(games.num_games)
        self.last, self.before = games.select(every), games.select(every)
        self.fresh = np.ones(games.num_games, dtype=bool) if replayed is None else ~replayed
        self.found: list[GameBatch] = []

    def __call__(self, games: GameBatch, playing: np.ndarray, passed: np.ndarray,
                 crashed: np.ndarray) -> None:
        if passed.any():
            rows = np.flatnonzero(passed)
            episodes = playing[rows]
            self.before.put(episodes, self.last, episodes)
            self.last.put(episodes, games, rows)
        if crashed.any():
            died = playing[crashed]
            died = died[self.fresh[died]]
            if died.size:
                self.found.append(self.before.select(died))


class DeathBank:
    """The latest `size` pre-death states (a ring), drawn from uniformly."""

    def __init__(self, physics: Physics, size: int = BANK_SIZE):
        self.states = GameBatch(physics, size)
        self.size, self.count, self.next = size, 0, 0

    def add(self, found: list[GameBatch]) -> None:
        for states in found:
            take = np.arange(max(0, states.num_games - self.size), states.num_games)
            rows = (self.next + np.arange(len(take))) % self.size
            self.states.put(rows, states, take)
            self.next = int((self.next + len(take)) % self.size)
            self.count = min(self.size, self.count + len(take))

    def start_replays(self, games: GameBatch, caps: np.ndarray, share: float, pipes: int,
                      rng: np.random.Generator) -> np.ndarray:
        """Put drawn states into the last `share` of `games`' slots, each capped `pipes` pipes
        past its start (`caps`, in place); returns which slots replay (none while the bank is
        empty, and then `rng` is not drawn from)."""
        replayed = np.zeros(games.num_games, dtype=bool)
        count = int(round(share * games.num_games)) if self.count else 0
        if count:
            slots = np.arange(games.num_games - count, games.num_games)
            games.put(slots, self.states, rng.integers(self.count, size=count))
            caps[slots] = games.score[slots] + pipes
            replayed[slots] = True
        return replayed

    def to_payload(self) -> dict:
        s = self.states
        return {"key": torch.from_numpy(s.key.view(np.int64).copy()),
                "ints": torch.from_numpy(s._ints.copy()), "floats": torch.from_numpy(s._floats.copy()),
                "count": self.count, "next": self.next}

    def load_payload(self, payload: dict) -> None:
        """The bank a checkpoint saved, at the size it was saved with (checked: a damaged one
        is refused in one line)."""
        try:
            key, ints, floats = (payload[k].numpy() for k in ("key", "ints", "floats"))
            count, following = int(payload["count"]), int(payload["next"])
            size = len(key)
            if key.ndim != 1 or ints.shape != (len(GameBatch.INT_ROWS), size) or \
                    floats.shape != (2, size) or not 0 <= following < max(size, 1) or \
                    not 0 <= count <= size:
                raise ValueError("its shape does not fit")
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise CheckpointError(f"its death replays are damaged ({error})") from None
        self.states = GameBatch(self.states.physics, size)
        s = self.states
        s.key[:], s._ints[:], s._floats[:] = key.view(np.uint64), ints, floats
        self.size, self.count, self.next = size, count, following
