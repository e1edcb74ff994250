"""Headless test setup and small helpers shared by the tests."""

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest  # noqa: E402


def autopilot(observation) -> int:
    """Flap when the bird's bottom is close to the next gap's bottom edge: a simple scripted
    player that passes pipes on easy settings."""
    return int(observation[4] < 0.02)


@pytest.fixture
def tmp_home(tmp_path, monkeypatch):
    """A private user data folder."""
    monkeypatch.setenv("FLAPPY_PG_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def ctrl_c_after():
    """Start `python -m flappy_pg ARGS` in a process group of its own, wait until a line holding
    `marker` comes, wait `delay` seconds more, then send the whole group SIGINT, as a terminal's
    Ctrl-C does; returns (exit status, everything it printed)."""
    import signal
    import subprocess
    import sys
    import time

    def run(args, marker: str, delay: float, cwd=None, env=None, timeout: float = 120):
        process = subprocess.Popen([sys.executable, "-m", "flappy_pg", *args], cwd=cwd, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   start_new_session=True)
        seen = []
        for line in process.stdout:
            seen.append(line)
            if marker in line:
                break
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGINT)
        rest = process.communicate(timeout=timeout)[0]
        return process.returncode, "".join(seen) + rest
    return run
