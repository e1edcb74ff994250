"""How much memory one REINFORCE update needs at least, and a one-line refusal before any work
starts when this machine does not have it (a huge `--games`, `--batch-steps` or `--hidden`
would otherwise fill the memory for minutes and end in the system's out-of-memory kill)."""

from __future__ import annotations

import math
import os

import numpy as np

from flappy_pg.agents.reinforce.config import TrainConfig
from flappy_pg.errors import ConfigError
from flappy_pg.game.config import GameConfig
from flappy_pg.game.core import GameBatch, Physics

FLOAT = 4  # bytes of a float32
SHARE_OF_MEMORY = 0.8  # an update may plan on at most this share of the machine's memory


def shortest_episode(game: GameConfig) -> int:
    """A lower bound of any episode's frames: the fewer of a bird's that never flaps (it falls to
    the ground) and the frames before the first pipe reaches the bird."""
    games = GameBatch(Physics(game), 1)
    games.reset(np.arange(1), np.zeros(1, dtype=np.uint64))
    falling = 1
    while falling < 10_000:
        games.step(np.zeros(1, dtype=bool))
        if games.crashed[0]:
            break
        falling += 1
    to_pipe = max(1, int((game.first_pipe_x - game.bird_x - game.bird_width) // game.pipe_speed))
    return min(falling, to_pipe)


def observation_bytes(config: TrainConfig) -> int:
    """What one training step's observation holds: 8 floats, or a pixel pair's uint8 cells
    (only those the MLP reads)."""
    if config.obs != "pixels":
        return 8 * FLOAT
    from flappy_pg.agents.reinforce.pixel_reuse import training_observer
    return math.prod(training_observer(config).shape)


def update_bytes(config: TrainConfig) -> int:
    """A lower bound of one update's memory: each step's observation and, in the policy and the
    baseline, each hidden unit's pre-activation, output and gradient; and both networks'
    weights with their gradients and Adam's two moments."""
    steps = max(config.batch_steps, config.most_games * shortest_episode(config.game))
    inputs = 8 if config.obs != "pixels" else observation_bytes(config)
    widths = [inputs, *config.hidden]
    weights = sum(a * b + b for a, b in zip(widths, widths[1:]))
    per_step = observation_bytes(config) + 2 * 3 * FLOAT * sum(config.hidden)
    return steps * per_step + 2 * 4 * FLOAT * weights


def machine_memory() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def check_fits_memory(config: TrainConfig, memory: int | None = None) -> None:
    """Refuse, in one line naming the options, an update this machine cannot hold."""
    memory = memory or machine_memory()
    need = update_bytes(config)
    if memory and need > SHARE_OF_MEMORY * memory:
        raise ConfigError(f"one update with --games {config.games:,}, --batch-steps "
                          f"{config.batch_steps:,} and --hidden "
                          f"{','.join(map(str, config.hidden))} would need at least "
                          f"{need / 1024**3:,.1f} GB of memory (this machine has "
                          f"{memory / 1024**3:.1f} GB): lower --games, --batch-steps or --hidden")
