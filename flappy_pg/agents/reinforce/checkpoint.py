"""Saving and loading REINFORCE checkpoints: atomic writes, `torch.load(weights_only=True)`,
and one-line errors for a missing, corrupt, foreign, mismatched or non-finite file.

A checkpoint holds only tensors and plain Python values: the policy and baseline weights, both
optimizers' state, the training config (with the game and reward config it trained on), the
observation layout, the step counters and every random generator's state.
"""

from __future__ import annotations

import dataclasses
import pickle
import warnings
import zipfile
from pathlib import Path

import torch

from flappy_pg.agents.reinforce.config import TrainConfig
from flappy_pg.agents.reinforce.networks import make_networks
from flappy_pg.errors import CheckpointError, ConfigError
from flappy_pg.files import atomic_write, is_zip_with, zip_damage
from flappy_pg.game.observation import FEATURES, LAYOUT

FORMAT = "flappy-pg/reinforce/1"


def atomic_torch_save(payload: dict, path: Path) -> None:
    atomic_write(path, lambda temporary: torch.save(payload, temporary))


PIXEL_LAYOUT = "pixel-pairs-v1"


def layout(config=None) -> dict:
    """The observation layout a policy of this `TrainConfig` reads (default: the features)."""
    if config is not None and config.obs == "pixels":
        from flappy_pg.game.pixels import PixelPairs
        return {"name": PIXEL_LAYOUT, "shape": list(PixelPairs(config.game).shape)}
    return {"name": LAYOUT, "features": list(FEATURES)}


def load_checkpoint(path: str | Path) -> dict:
    """The checkpoint's contents, checked for format and observation layout."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"checkpoint not found: {path}")
    if zipfile.is_zipfile(path) and not zip_damage(path) and is_zip_with(path, "meta.npy"):
        raise CheckpointError(f"{path} is a Q-learning table, not a REINFORCE checkpoint: "
                              f"`flappy-pg qlearn train --resume`, `qlearn eval` and `qlearn "
                              f"watch` take it")
    if zipfile.is_zipfile(path) and (damage := zip_damage(path)):
        raise CheckpointError(f"{path} is corrupt: {damage}; it was changed after it was "
                              f"written, so it is not loaded")
    try:
        with warnings.catch_warnings():  # torch warns about legacy pickles before refusing them
            warnings.simplefilter("ignore")
            payload = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as error:
        if "GLOBAL" in str(error) or "global" in str(error):
            raise CheckpointError(f"{path} was refused: it carries pickled Python objects, which "
                                  f"a flappy-pg checkpoint never does, so it is not loaded") from None
        raise CheckpointError(f"{path} is not a readable checkpoint (corrupt or truncated)") from None
    except MemoryError:
        raise CheckpointError(f"{path} is not a readable checkpoint (too large)") from None
    except Exception:  # torch raises many kinds on a damaged file; none may escape as a traceback
        raise CheckpointError(f"{path} is not a readable checkpoint (corrupt or truncated)") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not a flappy-pg REINFORCE checkpoint")
    config = train_config_of(payload, path)
    found = payload.get("observation_layout")
    name = found.get("name", "unknown") if isinstance(found, dict) else "unknown"
    if name not in (LAYOUT, PIXEL_LAYOUT):
        raise CheckpointError(f"{path} was trained on observation layout {name!r}; this version "
                              f"uses {LAYOUT!r} (or {PIXEL_LAYOUT!r}): retrain it")
    if found != layout(config):
        raise CheckpointError(f"{path}: its observation layout {name!r} does not fit its "
                              f"training settings")
    return payload


def check_weights(module: torch.nn.Module, weights, what: str) -> None:
    """`weights` fit `module` exactly (names, shapes, floating dtypes) and are all finite."""
    expected = module.state_dict()
    if not isinstance(weights, dict) or set(weights) != set(expected):
        raise CheckpointError(f"its {what} weights do not fit this network")
    for key, tensor in weights.items():
        if not isinstance(tensor, torch.Tensor) or not tensor.is_floating_point():
            raise CheckpointError(f"its {what} weight {key} is not a tensor of numbers")
        if tuple(tensor.shape) != tuple(expected[key].shape):
            raise CheckpointError(f"its {what} weight {key} has shape {tuple(tensor.shape)}, "
                                  f"expected {tuple(expected[key].shape)}")
        if not torch.isfinite(tensor).all():
            raise CheckpointError(f"its {what} weight {key} holds NaN or infinite values")


def trainer_payload(trainer) -> dict:
    """Everything a resumed run needs (of a `Trainer`), as tensors and plain values."""
    return {
        "format": FORMAT,
        "observation_layout": layout(trainer.config),
        "train_config": trainer.config.to_dict(),
        "state": dataclasses.asdict(trainer.state),
        "policy": trainer.policy.state_dict(),
        "value": trainer.value.state_dict(),
        "optimizer": trainer.optimizer.state_dict(),
        "value_optimizer": trainer.value_optimizer.state_dict(),
        "rng": {"actions": trainer.rng.bit_generator.state,
                "value_minibatches": trainer.generator.get_state(),
                "rounds": trainer.rounds},
        "death_replays": trainer.deaths.to_payload(),
        "holding_since": trainer.holding_since,
    }


def holding_since_of(payload: dict) -> int | None:
    """The env-step count at which a saved run began to hold (None: not yet, or saved before
    the hold existed)."""
    since = payload.get("holding_since")
    if since is not None and (not isinstance(since, int) or isinstance(since, bool) or since < 0):
        raise CheckpointError(f"its hold start is not a whole number: {since!r}")
    return since


def save_trainer(trainer, path: str | Path) -> None:
    atomic_torch_save(trainer_payload(trainer), Path(path))


def save_policy_snapshot(trainer, path: str | Path) -> None:
    """The policy alone, with its settings and counters (a few kB for the features policy): a
    checkpoint that `eval`, `watch` and the time-lapse take, but that cannot be resumed."""
    payload = {key: value for key, value in trainer_payload(trainer).items()
               if key in ("format", "observation_layout", "train_config", "state", "policy")}
    atomic_torch_save({**payload, "snapshot": True}, Path(path))


def train_config_of(payload: dict, path) -> TrainConfig:
    if "train_config" not in payload:
        raise CheckpointError(f"{path} holds no training settings")
    try:
        return TrainConfig.from_dict(payload["train_config"])
    except (KeyError, ConfigError, TypeError) as error:
        raise CheckpointError(f"{path} has unusable training settings: {error}") from None


def load_policy(path: str | Path):
    """The policy of a checkpoint (eval mode) and the checkpoint's contents."""
    payload = load_checkpoint(path)
    config = train_config_of(payload, path)
    policy, _ = make_networks(config)
    try:
        check_weights(policy, payload.get("policy"), "policy")
    except CheckpointError as error:
        raise CheckpointError(f"{path}: {error}") from None
    policy.load_state_dict(payload["policy"])
    return policy.eval(), payload
