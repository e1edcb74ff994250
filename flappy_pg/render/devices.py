"""The machine's display and sound devices: whether a window can be seen at all, and silencing the
C libraries' own stderr lines while pygame probes them."""

from __future__ import annotations

import contextlib
import os

# The drivers SDL falls back to when it finds no screen: frames are drawn, but nobody sees them.
HEADLESS_DRIVERS = ("offscreen", "dummy")


class NoDisplayError(RuntimeError):
    """A window was asked for on a machine with no display."""


@contextlib.contextmanager
def quiet_stderr():
    """Silence the C libraries' own stderr lines for the duration (ALSA prints eight when there is
    no sound card, SDL's Wayland probe one about XDG_RUNTIME_DIR); Python's `sys.stderr` is left
    as it is."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def open_display(pygame) -> bool:
    """Initialise pygame's display; True when the window will be on a real screen.

    A driver the user chose (`SDL_VIDEODRIVER=dummy`, as the tests do) counts as wanted, so it is
    "real" for this purpose: only SDL's own fallback to an invisible screen is reported."""
    with quiet_stderr():
        pygame.display.init()
    chosen = os.environ.get("SDL_VIDEODRIVER")
    return bool(chosen) or pygame.display.get_driver() not in HEADLESS_DRIVERS


def no_display_message(command: str) -> str:
    return (f"no display here, so `{command}` has no window to show: run it under a virtual "
            f"display (xvfb-run -a {command}) or record it instead "
            f"({command} --record out.gif --frames 300)")
