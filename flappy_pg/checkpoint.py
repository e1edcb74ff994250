"""Saving and loading REINFORCE checkpoints: atomic writes, `torch.load(weights_only=True)`,
and one-line errors for a missing, corrupt, foreign, mismatched or non-finite file.

A checkpoint holds only tensors and plain Python values: the policy and baseline weights, both
optimizers' state, the training config (with the game and reward config it trained on), the
observation layout, the step counters and every random generator's state.
"""

from __future__ import annotations

import pickle
import zipfile
from pathlib import Path

import torch

from flappy_pg.config import ConfigError
from flappy_pg.errors import CheckpointError
from flappy_pg.observation import FEATURES, LAYOUT
from flappy_pg.runfolder import atomic_write

FORMAT = "flappy-pg/reinforce/1"


def atomic_torch_save(payload: dict, path: Path) -> None:
    atomic_write(path, lambda temporary: torch.save(payload, temporary))


PIXEL_LAYOUT = "pixel-pairs-v1"


def layout(config=None) -> dict:
    """The observation layout a policy of this `TrainConfig` reads (default: the features)."""
    if config is not None and config.obs == "pixels":
        from flappy_pg.pixels import PixelPairs
        return {"name": PIXEL_LAYOUT, "shape": list(PixelPairs(config.game_config).shape)}
    return {"name": LAYOUT, "features": list(FEATURES)}


def is_zip_with(path: Path, ending: str) -> bool:
    """The file is a zip archive with a member whose name ends with `ending`."""
    try:
        with zipfile.ZipFile(path) as archive:
            return any(n.endswith(ending) for n in archive.namelist())
    except Exception:  # zipfile raises several kinds on a damaged archive
        return False


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
    except MemoryError:
        raise CheckpointError(f"{path} is not a readable checkpoint (too large)") from None
    except Exception:  # torch raises many kinds on a damaged file; none may escape as a traceback
        if is_zip_with(path, "meta.npy"):
            raise CheckpointError(f"{path} is a Q-table: use `flappy-pg qlearn eval` or "
                                  f"`qlearn watch`") from None
        raise CheckpointError(f"{path} is not a readable checkpoint (corrupt or truncated)") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not a flappy-pg REINFORCE checkpoint")
    found = payload.get("observation_layout")
    name = found.get("name", "unknown") if isinstance(found, dict) else "unknown"
    if name not in (LAYOUT, PIXEL_LAYOUT):
        raise CheckpointError(f"{path} was trained on observation layout {name!r}; this version "
                              f"uses {LAYOUT!r} (or {PIXEL_LAYOUT!r}): retrain it")
    if found != layout(train_config_of(payload, path)):
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
    """Everything a resumed run needs, as tensors and plain values."""
    import dataclasses
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
    }


def save_trainer(trainer, path: str | Path) -> None:
    atomic_torch_save(trainer_payload(trainer), Path(path))


def train_config_of(payload: dict, path):
    from flappy_pg.train_config import TrainConfig
    try:
        return TrainConfig.from_dict(payload["train_config"])
    except (KeyError, ConfigError, TypeError) as error:
        raise CheckpointError(f"{path} has unusable training settings: {error}") from None


def restore_trainer(payload: dict, path="the checkpoint", **overrides):
    """A `Trainer` in the state the checkpoint saved; `overrides` change budget settings."""
    from flappy_pg.reinforce import Trainer
    from flappy_pg.training import RunState
    config = train_config_of(payload, path)
    try:
        config = type(config).from_dict({**config.to_dict(), **overrides})
        trainer = Trainer(config)
        check_weights(trainer.policy, payload["policy"], "policy")
        check_weights(trainer.value, payload["value"], "value")
        trainer.state = RunState.from_dict(payload["state"])
        trainer.policy.load_state_dict(payload["policy"])
        trainer.value.load_state_dict(payload["value"])
        trainer.optimizer.load_state_dict(payload["optimizer"])
        trainer.value_optimizer.load_state_dict(payload["value_optimizer"])
        trainer.rng.bit_generator.state = payload["rng"]["actions"]
        trainer.generator.set_state(payload["rng"]["value_minibatches"])
        if "rounds" not in payload["rng"]:
            raise CheckpointError("it was saved by flappy-pg 0.1, whose training games this "
                                  "version no longer draws: it evaluates and watches, but cannot "
                                  "be resumed")
        rounds = payload["rng"]["rounds"]
        if not isinstance(rounds, int) or isinstance(rounds, bool) or rounds < 0:
            raise CheckpointError("its round counter is not a whole number")
        trainer.rounds = rounds
    except CheckpointError as error:
        raise CheckpointError(f"{path}: {error}") from None
    except Exception as error:  # a damaged optimizer or generator state, of any kind
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise CheckpointError(f"{path}: its training state does not fit: {message}") from None
    return trainer


def load_policy(path: str | Path):
    """The policy of a checkpoint (eval mode) and the checkpoint's contents."""
    from flappy_pg.policy import make_networks
    payload = load_checkpoint(path)
    config = train_config_of(payload, path)
    policy, _ = make_networks(config)
    try:
        check_weights(policy, payload.get("policy"), "policy")
    except CheckpointError as error:
        raise CheckpointError(f"{path}: {error}") from None
    policy.load_state_dict(payload["policy"])
    return policy.eval(), payload
