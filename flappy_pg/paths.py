"""Where things live: the assets, the user's data folder and the shipped checkpoints."""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHECKPOINTS = REPO / "checkpoints"


def user_data_dir() -> Path:
    """The user's data folder for flappy-pg (`FLAPPY_PG_HOME` overrides)."""
    if os.environ.get("FLAPPY_PG_HOME"):
        return Path(os.environ["FLAPPY_PG_HOME"])
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "flappy-pg"


def assets_dir() -> Path:
    """The repository's `assets/`; an install without it gets them generated once into the
    user's data folder."""
    if (REPO / "assets" / "bird0.png").exists():
        return REPO / "assets"
    folder = user_data_dir() / "assets"
    if not (folder / "bird0.png").exists():
        from flappy_pg.art import make_all
        make_all(folder)
    return folder

PRETRAINED_POLICY = CHECKPOINTS / "reinforce-pretrained.pt"
PRETRAINED_QTABLE = CHECKPOINTS / "qlearn-pretrained.npz"
MIDWAY_POLICY = CHECKPOINTS / "reinforce-midway.pt"  # 20 s into training: large, useful gradients
