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

from flappy_pg.config import GameConfig
from flappy_pg.core import Physics

FEATURES = ("bird_y", "bird_speed", "pipe1_dx", "pipe1_top", "pipe1_bottom",
            "pipe2_dx", "pipe2_top", "pipe2_bottom")
LAYOUT = "features-v1"  # saved with checkpoints: a policy only runs on the layout it learned


def features(physics: Physics, y, vel, t, next_index, next_gap, after_gap) -> tuple:
    """The 8 features, as a tuple of numbers (one game) or of arrays (a batch)."""
    c = physics.config
    width, height = c.screen_width, c.screen_height
    unseen_gap = (c.gap_top_min + c.gap_top_max) / 2
    values = [y / height, vel / c.max_fall_speed]
    for index, gap in ((next_index, next_gap), (next_index + 1, after_gap)):
        x = physics.pipe_x(t, index)
        hidden = x > width
        x = x - hidden * (x - width)
        gap = gap + hidden * (unseen_gap - gap)
        values += [(x + c.pipe_width - c.bird_x) / width,
                   (gap - y) / height,
                   (gap + c.pipe_gap - y - c.bird_height) / height]
    return tuple(values)


def bounds(config: GameConfig) -> tuple[np.ndarray, np.ndarray]:
    """Low and high bound of each feature for this game (float32 arrays)."""
    c = config
    width, height = c.screen_width, c.screen_height
    y_low, y_high = c.highest_bird_y, c.ground_y - c.bird_height
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
