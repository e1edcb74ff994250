"""Saving and loading REINFORCE checkpoints: atomic writes, `torch.load(weights_only=True)`,
and one-line errors for a missing, corrupt, foreign or mismatched file.

A checkpoint holds only tensors and plain Python values: the policy and baseline weights, both
optimizers' state, the training config (with the game and reward config it trained on), the
observation layout, the step counters and every random generator's state.
"""

from __future__ import annotations

import os
import pickle
import zipfile
from pathlib import Path

import torch

from flappy_pg.errors import CheckpointError
from flappy_pg.observation import FEATURES, LAYOUT

FORMAT = "flappy-pg/reinforce/1"


def atomic_torch_save(payload: dict, path: Path) -> None:
    """Write to a temporary file beside `path`, then rename over it: a crash mid-write never
    leaves a half-written checkpoint where a good one was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        torch.save(payload, temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def layout() -> dict:
    return {"name": LAYOUT, "features": list(FEATURES)}


def load_checkpoint(path: str | Path) -> dict:
    """The checkpoint's contents, checked for format and observation layout."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"checkpoint not found: {path}")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as error:
        if "GLOBAL" in str(error) or "global" in str(error):
            raise CheckpointError(f"{path} was refused: it carries pickled Python objects, which "
                                  f"a flappy-pg checkpoint never does, so it is not loaded") from None
        raise CheckpointError(f"{path} is not a readable checkpoint (corrupt or truncated)") from None
    except (RuntimeError, EOFError, zipfile.BadZipFile, OSError, ValueError):
        raise CheckpointError(f"{path} is not a readable checkpoint (corrupt or truncated)") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not a flappy-pg REINFORCE checkpoint")
    if payload.get("observation_layout") != layout():
        found = (payload.get("observation_layout") or {}).get("name", "unknown")
        raise CheckpointError(f"{path} was trained on observation layout {found!r}; this version "
                              f"uses {LAYOUT!r}: retrain it")
    return payload


def trainer_payload(trainer) -> dict:
    """Everything a resumed run needs, as tensors and plain values."""
    import dataclasses
    return {
        "format": FORMAT,
        "observation_layout": layout(),
        "train_config": trainer.config.to_dict(),
        "state": dataclasses.asdict(trainer.state),
        "policy": trainer.policy.state_dict(),
        "value": trainer.value.state_dict(),
        "optimizer": trainer.optimizer.state_dict(),
        "value_optimizer": trainer.value_optimizer.state_dict(),
        "rng": {"actions": trainer.rng.bit_generator.state,
                "value_minibatches": trainer.generator.get_state(),
                "games": [g.bit_generator.state for g in trainer.env.game_rngs]},
    }


def save_trainer(trainer, path: str | Path) -> None:
    atomic_torch_save(trainer_payload(trainer), Path(path))


def restore_trainer(payload: dict, **overrides):
    """A `Trainer` in the state the checkpoint saved; `overrides` change budget settings."""
    from flappy_pg.reinforce import Trainer, TrainConfig
    from flappy_pg.training import RunState
    try:
        config = TrainConfig.from_dict({**payload["train_config"], **overrides})
        trainer = Trainer(config)
        trainer.state = RunState(**payload["state"])
        trainer.policy.load_state_dict(payload["policy"])
        trainer.value.load_state_dict(payload["value"])
        trainer.optimizer.load_state_dict(payload["optimizer"])
        trainer.value_optimizer.load_state_dict(payload["value_optimizer"])
        trainer.rng.bit_generator.state = payload["rng"]["actions"]
        trainer.generator.set_state(payload["rng"]["value_minibatches"])
        for game_rng, state in zip(trainer.env.game_rngs, payload["rng"]["games"], strict=True):
            game_rng.bit_generator.state = state
    except (KeyError, TypeError, ValueError, RuntimeError) as error:
        raise CheckpointError(f"the checkpoint's training state does not fit: {error}") from None
    return trainer


def load_policy(path: str | Path):
    """The policy of a checkpoint (eval mode) and the checkpoint's contents."""
    from flappy_pg.policy import Policy
    payload = load_checkpoint(path)
    try:
        config = payload["train_config"]
        policy = Policy(len(FEATURES), tuple(config["hidden"]), input_scale=config.get("input_scale", 1.0))
        policy.load_state_dict(payload["policy"])
    except (KeyError, TypeError, ValueError, RuntimeError) as error:
        raise CheckpointError(f"{path} holds a policy this version cannot load: {error}") from None
    return policy.eval(), payload
