"""Output folders that are safe to write into: run names that stay inside their parent, a check
that a folder or file can be written before any work starts, and a lock so that two runs never
write into one folder (a lock left by a killed run is taken over)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from flappy_pg.errors import ConfigError
from flappy_pg.files import os_message

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def check_run_name(name: str) -> str:
    """A run name is one plain folder name: no separators, no '..', at most 100 characters."""
    if not NAME.fullmatch(name) or ".." in name:
        raise ConfigError(f"run name {name!r} must be 1 to 100 letters, digits, '.', '_' or '-', "
                          f"starting with a letter or digit (a plain folder name, not a path)")
    return name


def ensure_writable_folder(folder: str | Path) -> Path:
    """Create `folder` if needed and prove it can be written, or raise a one-line ConfigError."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".write-test.{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise ConfigError(f"cannot write to {folder}: {os_message(error)}") from None
    return folder


def ensure_writable_file(path: str | Path, replace: bool = True) -> Path:
    """`path` can be written: its folder exists and takes files, and it is not a folder. An
    existing file is an error unless `replace`. Folders are never created for a file (a typo in
    its folder would otherwise leave a stray folder tree)."""
    path = Path(path)
    if path.is_dir():
        raise ConfigError(f"{path} is a folder; give a file name")
    folder = path.parent
    if not folder.exists():
        raise ConfigError(f"cannot write {path}: folder {folder} does not exist")
    if not folder.is_dir():
        raise ConfigError(f"cannot write {path}: {folder} is not a folder")
    if path.exists() and not replace:
        raise ConfigError(f"{path} already exists: give another name, or --force to replace it")
    try:
        probe = folder / f".write-test.{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise ConfigError(f"cannot write to {folder}: {os_message(error)}") from None
    return path


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class FolderLock:
    """Holds `<folder>/.lock` (the owner's pid) while a run writes into the folder."""

    def __init__(self, folder: Path):
        self.path = Path(folder) / ".lock"

    def __enter__(self) -> "FolderLock":
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                try:
                    owner = int(self.path.read_text().strip() or 0)
                except (OSError, ValueError):
                    owner = 0
                if owner and owner != os.getpid() and _alive(owner):
                    raise ConfigError(f"another run (process {owner}) is writing into "
                                      f"{self.path.parent}; wait for it, or pick another --name") from None
                self.path.unlink(missing_ok=True)  # left by a run that was killed
                continue
            with os.fdopen(fd, "w") as f:
                f.write(str(os.getpid()))
            return self
        raise ConfigError(f"could not lock {self.path.parent}")

    def __exit__(self, *exc) -> None:
        self.path.unlink(missing_ok=True)


def remove_stale_temporaries(folder: Path) -> None:
    """Delete half-written checkpoints (`.<name>.<pid>.tmp`) that killed saves left behind; only
    call it while holding the folder's lock."""
    for temporary in Path(folder).glob(".*.tmp*"):
        temporary.unlink(missing_ok=True)
