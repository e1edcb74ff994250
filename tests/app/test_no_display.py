"""No screen (SSH, a container, CI): `watch` and `play` say so in one line and exit non-zero,
unless they record, which then runs headless with a frame limit."""

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from PIL import Image

from flappy_pg.cli import main
from flappy_pg.render import renderer as renderer_module


def without_display() -> dict:
    """The environment of a machine with no screen: SDL is left to find one and falls back."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER", "XDG_RUNTIME_DIR")}
    return env


def test_play_without_a_display_says_so_in_one_line_and_exits_non_zero(tmp_path):
    result = subprocess.run([sys.executable, "-m", "flappy_pg", "play", "--mute"],
                            env=without_display(), capture_output=True, text=True, timeout=60,
                            stdin=subprocess.DEVNULL, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "no display" in lines[0]
    assert "xvfb-run -a flappy-pg play" in lines[0] and "--record" in lines[0]
    assert "XDG_RUNTIME_DIR" not in result.stderr


def test_recording_without_a_display_runs_headless_and_stops_by_itself(tmp_path):
    out = tmp_path / "play.gif"
    result = subprocess.run([sys.executable, "-m", "flappy_pg", "play", "--mute",
                             "--record", str(out), "--frames", "12"],
                            env=without_display(), capture_output=True, text=True, timeout=60,
                            stdin=subprocess.DEVNULL, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "XDG_RUNTIME_DIR" not in result.stderr
    assert Image.open(out).n_frames == 12


@pytest.fixture
def no_screen(monkeypatch):
    """Renderers in this process behave as on a machine without a display."""
    monkeypatch.setattr(renderer_module, "open_display", lambda pygame: False)


@pytest.mark.parametrize("command", [["watch"], ["qlearn", "watch"], ["play", "--mute"]])
def test_watch_and_play_refuse_without_a_display(command, no_screen):
    result = CliRunner().invoke(main, command, prog_name="flappy-pg")
    assert result.exit_code == 1
    assert "no display" in result.output and "xvfb-run -a flappy-pg" in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.slow
def test_a_headless_recording_keeps_300_frames_by_default(tmp_path, no_screen):
    out = tmp_path / "watch.gif"
    result = CliRunner().invoke(main, ["qlearn", "watch", "--record", str(out)])
    assert result.exit_code == 0, result.output
    assert "no display: recording 300 frames" in result.output
    assert Image.open(out).n_frames == 300


def test_frames_stops_a_window_after_that_many_frames(tmp_path):
    out = tmp_path / "watch.gif"
    result = CliRunner().invoke(main, ["watch", "--frames", "7", "--record", str(out)])
    assert result.exit_code == 0, result.output
    assert Image.open(out).n_frames == 7
    assert "recorded 7 frames" in result.output
