"""Q-table files (.npz, no pickle): the table with its visit counts, config, binning, counters
and random state, written atomically; read back with one-line errors for anything unusable."""

from __future__ import annotations

import dataclasses
import json
import zipfile
from pathlib import Path

import numpy as np

from flappy_pg.agents.learner import RunState
from flappy_pg.agents.qlearning.binning import Binning
from flappy_pg.agents.qlearning.config import QConfig
from flappy_pg.errors import CheckpointError, ConfigError
from flappy_pg.files import atomic_write, is_zip_with, zip_damage
from flappy_pg.game.observation import FEATURES, LAYOUT

TABLE_FORMAT = "flappy-pg/qtable/1"


def save_table(learner, path: str | Path) -> None:
    """Write a learner's table (`q`, `visits`) with its binning, config, counters and random
    state, atomically."""
    meta = {"format": TABLE_FORMAT, "observation_layout": {"name": LAYOUT, "features": list(FEATURES)},
            "config": learner.config.to_dict(), "state": dataclasses.asdict(learner.state),
            "shape": list(learner.binning.shape)}
    atomic_write(path, lambda temporary: np.savez_compressed(
        temporary, q=learner.q, visits=learner.visits, meta=np.array(json.dumps(meta)),
        rng=np.array(json.dumps(learner.rng.bit_generator.state))))


def read_table(path: Path) -> tuple[np.ndarray, dict, object, np.ndarray | None]:
    """(q, meta, rng state, visit counts) as stored (tables written before visit counts were
    kept have none), or a one-line error for anything unreadable."""
    damage = zip_damage(path) if zipfile.is_zipfile(path) else None
    if not damage and is_zip_with(path, "data.pkl"):
        raise CheckpointError(f"{path} is a REINFORCE checkpoint, not a Q-table: `flappy-pg "
                              f"train --resume`, `eval`, `watch` and `gradlab` take it")
    if damage:
        raise CheckpointError(f"{path} is corrupt: {damage}; it was changed after it was "
                              f"written, so it is not loaded")
    try:
        with np.load(path, allow_pickle=False) as data:
            q, meta = data["q"], json.loads(str(data["meta"]))
            rng = json.loads(str(data["rng"])) if "rng" in data.files else None
            visits = data["visits"] if "visits" in data.files else None
    except Exception:  # numpy, zipfile and json raise many kinds on a damaged or foreign file
        raise CheckpointError(f"{path} is not a readable Q-table (corrupt, or not a .npz)") from None
    return q, meta, rng, visits


def load_table(path: str | Path) -> tuple[np.ndarray, QConfig, dict]:
    """(Q, config, metadata) of a saved table, checked; one-line errors otherwise."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"Q-table not found: {path}")
    q, meta, _, _ = read_table(path)
    if not isinstance(meta, dict) or meta.get("format") != TABLE_FORMAT:
        raise CheckpointError(f"{path} is not a flappy-pg Q-table")
    found = meta.get("observation_layout")
    found = found.get("name") if isinstance(found, dict) else None
    if found != LAYOUT:
        raise CheckpointError(f"{path} was made for observation layout {found!r}; this version "
                              f"uses {LAYOUT!r}")
    try:
        config = QConfig.from_dict(meta["config"])
    except (ConfigError, KeyError, TypeError) as error:
        raise CheckpointError(f"{path} has an unusable config: {error}") from None
    binning = Binning(config.game, **config.binning_settings)
    if q.shape != (binning.size, 2) or list(binning.shape) != meta.get("shape"):
        raise CheckpointError(f"{path}: its table's shape {q.shape} does not match its binning "
                              f"{tuple(binning.shape)}")
    if q.dtype.kind != "f" or not np.isfinite(q).all():
        raise CheckpointError(f"{path}: its table must hold finite numbers")
    return q.astype(np.float64), config, meta


def load_training_state(path: str | Path) -> tuple[np.ndarray, np.ndarray | None, QConfig,
                                                   RunState, object]:
    """(Q, visit counts, config, counters, random state) of a table to continue training."""
    q, config, meta = load_table(path)
    _, _, rng, visits = read_table(Path(path))
    if visits is not None and (visits.shape != q.shape or visits.dtype.kind not in "iu"
                               or (visits < 0).any()):
        raise CheckpointError(f"{path}: its visit counts do not fit its table")
    try:
        state = RunState.from_dict(meta.get("state"))
    except ConfigError as error:
        raise CheckpointError(f"{path}: {error}") from None
    return q, None if visits is None else visits.astype(np.int64), config, state, rng
