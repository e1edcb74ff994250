"""Writing files so that nothing already saved is lost, and reading archives safely.

`atomic_write` writes beside the target and renames over it, so a crash mid-write never leaves
a half-written file where a good one was; `is_zip_with` tells what kind of archive a file is
without trusting its contents.
"""

from __future__ import annotations

import errno
import os
import zipfile
from pathlib import Path
from typing import Callable

from flappy_pg.errors import ConfigError


def os_message(error: OSError) -> str:
    """An OSError in words, with a hint for the usual causes."""
    if error.errno == errno.ENOSPC:
        return "the disk is full"
    return error.strerror or str(error)


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> None:
    """`write(temporary)` then rename over `path`. A failed write (full disk, say) is a one-line
    ConfigError."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp{path.suffix}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(temporary)
        os.replace(temporary, path)
    except OSError as error:
        raise ConfigError(f"could not write {path}: {os_message(error)}") from None
    finally:
        temporary.unlink(missing_ok=True)


def is_zip_with(path: str | Path, ending: str) -> bool:
    """The file is a zip archive with a member whose name ends with `ending`."""
    try:
        with zipfile.ZipFile(path) as archive:
            return any(n.endswith(ending) for n in archive.namelist())
    except Exception:  # zipfile raises several kinds on a damaged archive
        return False
