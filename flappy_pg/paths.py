"""Where things live: the shipped assets and checkpoints, and the user's data folder.

An installed wheel carries `assets/` and the shipped agents inside the package
(`flappy_pg/assets`, `flappy_pg/checkpoints`); a checkout (or an editable install) has them at
the top of the repository. Either way they are found from this file, never from the current
folder.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
REPO = PACKAGE.parent


def shipped(folder: str, probe: str) -> Path:
    """The package's copy of `folder` when installed from a wheel, else the checkout's."""
    inside = PACKAGE / folder
    return inside if (inside / probe).exists() else REPO / folder


CHECKPOINTS = shipped("checkpoints", "reinforce-pretrained.pt")
PRETRAINED_POLICY = CHECKPOINTS / "reinforce-pretrained.pt"
PRETRAINED_QTABLE = CHECKPOINTS / "qlearn-pretrained.npz"
PIXEL_POLICY = CHECKPOINTS / "reinforce-pixels.pt"  # learned from the 64 x 36 frames
MIDWAY_POLICY = CHECKPOINTS / "reinforce-midway.pt"  # 20 s into training: large, useful gradients


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
