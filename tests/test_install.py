"""A wheel installed apart from the checkout finds its own shipped agents and assets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The project's wheel, built from this checkout and unpacked into a folder of its own."""
    work = tmp_path_factory.mktemp("wheel")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps",
                            "--no-build-isolation", "-q", "-w", str(work / "dist")],
                           capture_output=True, text=True)
    if build.returncode != 0:
        pytest.fail(f"building the wheel failed: {build.stderr[-2000:]}")
    wheel = next((work / "dist").glob("flappy_pg-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(work / "site"), str(wheel)], check=True, capture_output=True)
    return work


def run_installed(installed, *args):
    elsewhere = installed / "elsewhere"
    elsewhere.mkdir(exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(installed / "site"), "FLAPPY_PG_HOME": str(installed / "home"),
           "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    return subprocess.run([sys.executable, *args], cwd=elsewhere, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.mark.slow
def test_the_wheel_is_imported_from_its_install_folder(installed):
    out = run_installed(installed, "-c", "import flappy_pg.paths as p, flappy_pg.render.art as a; print(p.PACKAGE); "
                        "print(p.PRETRAINED_POLICY.exists() and p.PIXEL_POLICY.exists(), a.assets_dir())")
    lines = out.stdout.split()
    assert lines[0].startswith(str(installed / "site")), out.stderr
    assert lines[1] == "True" and lines[2].startswith(str(installed / "site"))


@pytest.mark.slow
@pytest.mark.parametrize("command", [["eval"], ["qlearn", "eval"]])
def test_shipped_agents_evaluate_from_another_folder(installed, command):
    out = run_installed(installed, "-m", "flappy_pg", *command, "--episodes", "3",
                        "--max-score", "5")
    assert out.returncode == 0, out.stderr
    assert "score over 3 episodes" in out.stdout
    assert str(installed / "site") in out.stderr  # the file evaluated is the installed one
