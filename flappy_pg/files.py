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
    except RuntimeError as error:  # torch.save reports a failed write as a RuntimeError
        if not _write_failure(error):
            raise
        raise ConfigError(f"could not write {path}: {write_failure_message(path)}") from None
    finally:
        temporary.unlink(missing_ok=True)


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write(path, lambda temporary: temporary.write_text(text))


def _write_failure(error: RuntimeError) -> bool:
    """torch's zip writer failing on the file (a full disk, a quota), not a bug elsewhere."""
    text = str(error)
    return "inline_container" in text or "unexpected pos" in text or "file write failed" in text


def write_failure_message(path: Path) -> str:
    import shutil
    try:
        free = shutil.disk_usage(path.parent).free
    except OSError:
        return "the write failed"
    return "the disk is full" if free < 64 * 2**20 else "the write failed"


def zip_damage(path: str | Path) -> str | None:
    """Why a zip archive cannot be trusted (a member whose checksum fails, a broken directory),
    or None when every member reads back intact. torch's reader does not check the checksums,
    so a flipped byte in a checkpoint would otherwise load as a silently changed weight."""
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
    except Exception as error:  # BadZipFile, zlib errors, EOF: all mean a damaged archive
        return f"its archive is damaged ({type(error).__name__})"
    return None if bad is None else f"its member {bad!r} fails its checksum"


def is_zip_with(path: str | Path, ending: str) -> bool:
    """The file is a zip archive with a member whose name ends with `ending`."""
    try:
        with zipfile.ZipFile(path) as archive:
            return any(n.endswith(ending) for n in archive.namelist())
    except Exception:  # zipfile raises several kinds on a damaged archive
        return False
