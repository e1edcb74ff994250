"""A REINFORCE checkpoint (its `TrainConfig` and training state) saved by an older flappy-pg,
brought to today's format. Each step names what its files lack and what that meant then."""

from __future__ import annotations

from typing import Any

from flappy_pg.agents.settings import migrate_eval_clock
from flappy_pg.errors import CheckpointError

#: Settings added since 0.1, with the value that reproduces what a file saved before had.
ADDED_SETTINGS = {
    "truncated_tail": 0,  # nothing was left out of the update
    "obs": "features",  # only features existed
    "extreme_gap_share": 0.0,  # the real pipes only
    "entropy_floor": 0.0,  # the entropy bonus acted on every batch
    "replay_share": 0.0,  # every training game started at the game's start
    "hold_games": 0,  # the batches kept their size to the end
    "hold_lr": 0.0,  # and the learning rate its value
    "hold_share": 1.0,  # a hold began once every new game of a batch reached the cap
    "update_share": 1.0,  # every step of a batch went into its update
    # `pixel_net` and the pixel windows default to what the first pixel policies were (a CNN)
}


def upgrade_train_config(values: Any) -> Any:
    """A saved `TrainConfig` mapping as today's fields read it."""
    values = migrate_eval_clock(values)  # evaluations once ran on a clock (`eval_every`)
    if isinstance(values, dict):
        values = {**ADDED_SETTINGS, **values}
    return values


def resumable_rounds(rng: dict) -> int:
    """The round counter a resumed run continues from; checkpoints of 0.1 drew their training
    games otherwise and cannot be resumed."""
    if "rounds" not in rng:
        raise CheckpointError("it was saved by flappy-pg 0.1, whose training games this version "
                              "no longer draws: it evaluates and watches, but cannot be resumed")
    rounds = rng["rounds"]
    if not isinstance(rounds, int) or isinstance(rounds, bool) or rounds < 0:
        raise CheckpointError("its round counter is not a whole number")
    return rounds
