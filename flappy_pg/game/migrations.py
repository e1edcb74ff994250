"""A `GameConfig` saved by an older flappy-pg (inside checkpoints, Q-tables and run logs), brought
to today's fields. Each step names the version whose files it reads."""

from __future__ import annotations

from typing import Any

#: What a game saved before `bird_shape` and `pipe_spacing_swing` existed (flappy-pg 0.1) had.
BEFORE_SHAPE_AND_SWING = {"bird_shape": "box", "pipe_spacing_swing": 0}


def upgrade_game(values: Any, fields: set[str]) -> Any:
    """`values` as today's `GameConfig` fields (`fields`) read them."""
    if isinstance(values, dict) and fields - set(BEFORE_SHAPE_AND_SWING) <= set(values) and \
            not set(BEFORE_SHAPE_AND_SWING) & set(values):
        # 0.1: a complete game without the shape and the swing was the box with even spacing,
        # whatever the defaults are now
        values = {**values, **BEFORE_SHAPE_AND_SWING}
    return values
