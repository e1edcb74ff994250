"""A Q-table's `QConfig` saved by an older flappy-pg, brought to today's fields."""

from __future__ import annotations

from typing import Any

from flappy_pg.agents.settings import migrate_eval_clock


def upgrade_q_config(values: Any) -> Any:
    """A saved `QConfig` mapping as today's fields read it."""
    values = migrate_eval_clock(values)  # evaluations once ran on a clock (`eval_every`)
    if isinstance(values, dict) and "cell" in values and "grid" not in values:
        values = {**values, "grid": "uniform"}  # saved before the focused grid existed
    return values
