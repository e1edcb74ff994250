"""Snapshots of a learner's policy, kept in its run folder (`snapshots/`): one at each
evaluation (`update-0000123.pt`, or `.npz` for a Q-table), for `flappy-pg timelapse`, and with
`--watch` a `live` one every few seconds for the window. Written atomically by the training
process; read by anyone, any time (the window runs in its own process)."""

from __future__ import annotations

import re
from pathlib import Path

FOLDER = "snapshots"
LIVE = "live"
NAME = re.compile(r"update-(\d+)\.(pt|npz)$")


def suffix_of(learner) -> str:
    return ".npz" if hasattr(learner, "q") else ".pt"


def write_snapshot(learner, run_folder: Path, live: bool = False) -> Path:
    """The learner's policy now: the policy alone for REINFORCE, the table for Q-learning."""
    name = LIVE if live else f"update-{learner.state.updates:07d}"
    path = Path(run_folder) / FOLDER / f"{name}{suffix_of(learner)}"
    if hasattr(learner, "q"):
        from flappy_pg.agents.qlearning.table import save_table
        save_table(learner, path)
    else:
        from flappy_pg.agents.reinforce.checkpoint import save_policy_snapshot
        save_policy_snapshot(learner, path)
    return path


def evaluation_snapshots(run_folder: Path) -> dict[int, Path]:
    """The run's evaluation snapshots by update number."""
    folder = Path(run_folder) / FOLDER
    found = {}
    for path in sorted(folder.glob("update-*")) if folder.is_dir() else []:
        match = NAME.fullmatch(path.name)
        if match:
            found[int(match.group(1))] = path
    return found


def live_snapshot(run_folder: Path) -> Path | None:
    """The newest live snapshot, or the newest evaluation snapshot, or None."""
    folder = Path(run_folder) / FOLDER
    for suffix in (".pt", ".npz"):
        if (folder / f"{LIVE}{suffix}").exists():
            return folder / f"{LIVE}{suffix}"
    snapshots = evaluation_snapshots(run_folder)
    return snapshots[max(snapshots)] if snapshots else None
