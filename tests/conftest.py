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
