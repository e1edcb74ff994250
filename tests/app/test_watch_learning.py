"""Watching it learn: the run's curves.png, `plot`, the snapshots and `timelapse`, the live
window's stream (in this process, under SDL's dummy driver), and what `train` says at the end."""

import os

import pytest
from click.testing import CliRunner
from PIL import Image

from flappy_pg.cli import main

RUN = ["--games", "8", "--hidden", "8", "--threads", "1", "--eval-episodes", "2",
       "--eval-every-steps", "2000", "--steps", "8000", "--seconds", "0"]


def train(tmp_path, name, *more):
    result = CliRunner().invoke(main, ["train", *RUN, "--out", str(tmp_path / "ck"), "--runs",
                                       str(tmp_path / "runs"), "--name", name, *more])
    assert result.exit_code == 0, result.output
    return tmp_path / "runs" / name, result.output


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return train(tmp_path_factory.mktemp("watch"), "tiny")


def test_a_run_keeps_its_curves_and_a_snapshot_per_evaluation(run):
    folder, output = run
    assert (folder / "curves.png").read_bytes()[:4] == b"\x89PNG"
    with open(folder / "evals.csv") as f:
        evaluations = len(f.read().strip().splitlines()) - 1
    snapshots = sorted((folder / "snapshots").glob("update-*.pt"))
    assert evaluations >= 3 and len(snapshots) == evaluations
    assert all(path.stat().st_size < 20_000 for path in snapshots)  # a few kB each


def test_the_end_of_train_says_what_was_reached_and_what_to_do_next(run):
    folder, output = run
    assert output.count("columns: update, env steps") == 1  # the progress lines' header
    assert "best evaluation:   a mean of" in output
    assert f"logs and curves:   {folder}" in output
    best = folder.parent.parent / "ck" / "tiny" / "best.pt"
    for line in (f"flappy-pg watch {best}", f"flappy-pg eval {best}", f"flappy-pg plot {folder} "):
        assert line in output


def test_a_snapshot_evaluates_but_cannot_be_resumed(run, tmp_path, monkeypatch):
    folder, _ = run
    snapshot = sorted((folder / "snapshots").glob("update-*.pt"))[-1]
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["eval", str(snapshot), "--episodes", "2"]).exit_code == 0
    resumed = CliRunner().invoke(main, ["train", "--resume", str(snapshot)])
    assert resumed.exit_code == 1 and "snapshot" in resumed.output
    assert len(resumed.output.strip().splitlines()) == 1


def test_curves_png_is_replaced_when_the_run_goes_on(tmp_path):
    folder, _ = train(tmp_path, "again")
    before = (folder / "curves.png").read_bytes()
    latest = tmp_path / "ck" / "again" / "latest.pt"
    result = CliRunner().invoke(main, ["train", "--resume", str(latest), "--steps", "16000",
                                       "--runs", str(tmp_path / "runs")])
    assert result.exit_code == 0, result.output
    assert (folder / "curves.png").read_bytes() != before
    assert not [p for p in folder.iterdir() if ".tmp" in p.name]


def test_plot_overlays_runs_and_refuses_a_folder_that_is_not_a_run(run, tmp_path):
    folder, _ = run
    empty = tmp_path / "runs" / "no-evals"
    empty.mkdir(parents=True)
    (empty / "updates.csv").write_text("update,env_steps,seconds,score_mean\n1,100,0.1,0.0\n")
    out = tmp_path / "both.png"
    result = CliRunner().invoke(main, ["plot", str(folder), str(empty), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert Image.open(out).size[0] > 500
    one = CliRunner().invoke(main, ["plot", str(empty), "--out", str(tmp_path / "one.png")])
    assert one.exit_code == 0, one.output  # a run with no evaluation yet still plots
    for bad in ([str(tmp_path / "missing")], [str(tmp_path)]):
        refused = CliRunner().invoke(main, ["plot", *bad, "--out", str(tmp_path / "x.png")])
        assert refused.exit_code == 1 and len(refused.output.strip().splitlines()) == 1


def test_the_timelapse_plays_each_snapshot_labelled(run, tmp_path, monkeypatch):
    from flappy_pg.render.renderer import Renderer
    folder, _ = run
    drawn = []
    original = Renderer.draw_overlay
    monkeypatch.setattr(Renderer, "draw_overlay",
                        lambda self, lines, *a, **k: (drawn.append(lines), original(self, lines, *a, **k)))
    out = tmp_path / "learning.gif"
    result = CliRunner().invoke(main, ["timelapse", str(folder), "--record", str(out),
                                       "--snapshots", "3", "--frames-each", "12"])
    assert result.exit_code == 0, result.output
    assert result.output.count("snapshot ") == 3 and Image.open(out).n_frames >= 3 * 12
    assert any("M env steps" in line for lines in drawn for line in lines)
    assert any(line.startswith("evaluation: a mean of") for lines in drawn for line in lines)


def test_the_timelapse_refuses_what_it_cannot_play(run, tmp_path):
    import shutil
    folder, _ = run
    cases = {"missing": tmp_path / "nothing"}
    bare = tmp_path / "bare"
    bare.mkdir()
    cases["no snapshots"] = bare
    other = tmp_path / "other"
    shutil.copytree(folder, other)
    foreign, _ = train(tmp_path, "harder", "--gap", "140")
    snapshots = sorted((other / "snapshots").glob("update-*.pt"))
    shutil.copy(sorted((foreign / "snapshots").glob("update-*.pt"))[-1], snapshots[-1])
    cases["another game"] = other
    for what, path in cases.items():
        result = CliRunner().invoke(main, ["timelapse", str(path), "--record",
                                           str(tmp_path / f"{what}.gif")])
        assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1, what
    assert "another game" in result.output


def test_the_live_window_reads_the_run_as_it_grows(run, tmp_path):
    from flappy_pg.app.live import RunProgress, TailReader, show_training
    folder, _ = run
    assert show_training(str(folder), max_frames=40) == 40
    log = tmp_path / "updates.csv"
    log.write_text("update,env_steps,seconds,score_mean\n1,10,0.5,0.0\n2,20,1.0,0")
    reader = TailReader(log)
    assert [row["update"] for row in reader.new_rows()] == ["1"]  # the unfinished row waits
    with log.open("a") as f:
        f.write(".5\n")
    assert reader.new_rows() == [{"update": "2", "env_steps": "20", "seconds": "1.0",
                                  "score_mean": "0.5"}]
    progress = RunProgress(folder)
    assert progress.refresh() and progress.batches and progress.evaluations
    assert progress.labels()[0].startswith("update ")


def test_watch_without_a_display_fails_before_any_training(tmp_path, monkeypatch):
    from flappy_pg.render import devices
    monkeypatch.setattr(devices, "open_display", lambda pygame: False)
    result = CliRunner().invoke(main, ["train", "--watch", *RUN, "--out", str(tmp_path / "ck"),
                                       "--runs", str(tmp_path / "runs")], prog_name="flappy-pg")
    assert result.exit_code == 1 and "xvfb-run -a flappy-pg train --watch" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "ck").exists() and not (tmp_path / "runs").exists()


@pytest.mark.slow
def test_train_watch_opens_its_window_process_and_trains_on(tmp_path):
    import subprocess
    import sys
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    result = subprocess.run([sys.executable, "-m", "flappy_pg", "train", "--watch", *RUN,
                             "--steps", "30000", "--out", str(tmp_path / "ck"), "--runs",
                             str(tmp_path / "runs"), "--name", "live"], capture_output=True,
                            text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "the window shows birds of the newest policy" in result.stdout
    assert (tmp_path / "runs" / "live" / "snapshots" / "live.pt").exists()
    assert "Traceback" not in result.stderr


def test_a_closed_window_is_said_once_and_training_goes_on(tmp_path):
    from flappy_pg.app.live import LiveWindow

    class Closed:
        def is_alive(self):
            return False
    window, lines = LiveWindow(tmp_path), []
    window.process = Closed()
    assert window.open(lines.append) is False and window.open(lines.append) is False
    assert lines == ["the window was closed: training goes on headless"]


@pytest.mark.slow
def test_ctrl_c_with_the_window_open_stops_training_cleanly(tmp_path, ctrl_c_after):
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    status, output = ctrl_c_after(["train", "--watch", *RUN, "--steps", "0", "--seconds", "120",
                                   "--out", str(tmp_path / "ck"), "--runs", str(tmp_path / "runs"),
                                   "--name", "w"], "the window shows birds", 3, env=env)
    assert status == 0 and "Traceback" not in output, output  # the window got the Ctrl-C too
    assert "stopped: interrupted (Ctrl-C)" in output


def test_a_plots_legend_names_what_tells_the_runs_apart():
    from flappy_pg.runs.plots import RunCurves, differing_settings
    a = RunCurves("a", {"seed": 0, "lr": 0.003, "max_seconds": 60, "game": {"pipe_gap": 100}})
    b = RunCurves("b", {"seed": 0, "lr": 0.001, "max_seconds": 90, "game": {"pipe_gap": 140}})
    q = RunCurves("q", {"seed": 0, "epsilon_start": 0.1, "game": {"pipe_gap": 100}})
    assert differing_settings([a, b]) == ["pipe_gap=100; lr=0.003", "pipe_gap=140; lr=0.001"]
    assert differing_settings([a, q]) == ["REINFORCE", "Q-learning"]
