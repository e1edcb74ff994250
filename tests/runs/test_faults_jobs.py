"""Faults, round three: grids that do what they say, job stores that are damaged, stops that
leave jobs (and say so in the exit status), workers that ignore the terminal's Ctrl-C, a Ray
address with nothing behind it, huge work refused or reported, and a stop within a second."""

import json
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from click.testing import CliRunner
from test_faults import one_line_failure

from flappy_pg.agents.learner import Abandoned
from flappy_pg.agents.reinforce.config import TrainConfig
from flappy_pg.agents.reinforce.trainer import Trainer
from flappy_pg.cli import main
from flappy_pg.errors import ConfigError

TINY_SWEEP = ["sweep", "--steps", "400", "--final-episodes", "2", "--set", "games=2,3",
              "--set", "hidden=4", "--set", "eval-episodes=1"]


# -- a grid that does what it says -------------------------------------------------------------
@pytest.mark.parametrize("args", [
    ["sweep", "--steps", "2000", "--seeds", "0", "--set", "lr=0.001,0.001"],
    ["sweep", "--steps", "2000", "--seeds", "0,0"],
    ["compare", "--seeds", "0,0"],
    ["bench", "train", "--seeds", "1,1"],
], ids=["a value twice", "sweep seeds twice", "compare seeds twice", "bench seeds twice"])
def test_a_job_asked_for_twice_is_refused_in_one_line(args, tmp_path, monkeypatch):
    assert "twice" in one_line_failure([*args, "--out", str(tmp_path / "r")] if args[0] != "bench"
                                       else args, tmp_path, monkeypatch)


def boolean_options():
    """The on/off settings of `train` and `qlearn train` (not their run-folder options)."""
    from flappy_pg.cli.options import RUN_OPTIONS
    from flappy_pg.cli.qlearn import qlearn_train
    from flappy_pg.cli.train import train
    return [(agent, param) for agent, command in (("reinforce", train), ("qlearn", qlearn_train))
            for param in command.params if getattr(param, "is_flag", False)
            and getattr(param, "secondary_opts", None) and param.name not in RUN_OPTIONS]


def test_there_are_boolean_options_to_check():
    assert any(param.name == "normalize_advantages" for _, param in boolean_options())


@pytest.mark.parametrize("agent, param", boolean_options(),
                         ids=[f"{a} {p.name}" for a, p in boolean_options()])
def test_every_boolean_option_through_set_means_what_it_says(agent, param):
    from flappy_pg.cli.sweep import build_settings
    positive, negative = param.opts[0][2:], param.secondary_opts[0][2:]
    for name, value, expected in ((positive, "true", True), (positive, "false", False),
                                  (negative, "true", False), (negative, "false", True)):
        (setting,) = build_settings(agent, (f"{name}={value}",), (0,), {"max_steps": 1})
        assert setting.configs[0][1][param.name] is expected, (name, value)


def test_a_huge_grid_is_refused_at_once(tmp_path, monkeypatch):
    sets = [item for n in range(9) for item in ("--set", f"{n}=" + ",".join("abcdefghij"))]
    started = time.perf_counter()
    assert "at most" in one_line_failure(["sweep", "--steps", "1", *sets], tmp_path, monkeypatch)
    assert time.perf_counter() - started < 10  # the grid of 10^9 is counted, never built


# -- a damaged jobs.json: one line, nothing rewritten ---------------------------------------------
@pytest.fixture(scope="module")
def finished_sweep(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep") / "rep"
    result = CliRunner().invoke(main, [*TINY_SWEEP, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def damage_missing_curve(entry):
    del entry["result"]["curve"]


def damage_string_result(entry):
    entry["result"] = "abc"


def damage_text_mean(entry):
    entry["result"]["final"]["mean"] = "abc"


DAMAGES = {"no curve": damage_missing_curve, "a string": damage_string_result,
           "a text mean": damage_text_mean, "deeply nested": None}


@pytest.mark.slow
@pytest.mark.parametrize("damage", list(DAMAGES), ids=list(DAMAGES))
def test_a_damaged_job_store_is_one_line_and_leaves_the_results_untouched(damage, finished_sweep,
                                                                          tmp_path, monkeypatch):
    import shutil
    out = tmp_path / "rep"
    shutil.copytree(finished_sweep, out)
    store = out / "jobs.json"
    if DAMAGES[damage] is None:
        store.write_text("[" * 100_000 + "]" * 100_000)
    else:
        entries = json.loads(store.read_text())
        DAMAGES[damage](entries[sorted(entries)[0]])
        store.write_text(json.dumps(entries))
    before = {name: (out / name).read_bytes() for name in ("results.csv", "jobs.json")}
    line = one_line_failure([*TINY_SWEEP, "--out", str(out), "--resume"], tmp_path, monkeypatch)
    assert "jobs.json" in line and ("damaged" in line or "not readable" in line)
    assert {name: (out / name).read_bytes() for name in before} == before


# -- stops: workers ignore the terminal's Ctrl-C; a stop with jobs left is not a success ---------
@pytest.mark.slow
def test_ctrl_c_while_a_worker_starts_keeps_the_running_jobs(tmp_path, ctrl_c_after):
    args = ["compare", "--seeds", "0,1", "--seconds", "3", "--steps", "0",
            "--eval-every-seconds", "1", "--eval-episodes", "2", "--final-episodes", "2",
            "--jobs", "2", "--out", str(tmp_path / "rep")]
    status, output = ctrl_c_after(args, "Q-learning seed 0: started", 0.1, cwd=tmp_path)
    assert "Traceback" not in output and "BrokenProcessPool" not in output, output
    assert "failed" not in output, output
    started = output.count(": started")
    assert f"stopped (Ctrl-C) with {started} of 4 jobs finished" in output, output
    assert status == (130 if started < 4 else 0), output  # 130: jobs were left


# -- a Ray address with nothing behind it --------------------------------------------------------
def test_a_dead_ray_address_is_refused_quickly():
    from flappy_pg.runs.jobs import check_reachable
    started = time.perf_counter()
    for address in ("127.0.0.1:1", "ray://127.0.0.1:1"):
        with pytest.raises(ConfigError, match="no Ray cluster answers at"):
            check_reachable(address)
    with pytest.raises(ConfigError, match="host:port"):
        check_reachable("nonsense")
    assert time.perf_counter() - started < 10


def test_a_sweep_on_a_dead_ray_address_fails_in_one_line(tmp_path, monkeypatch):
    pytest.importorskip("ray")
    line = one_line_failure([*TINY_SWEEP, "--out", str(tmp_path / "r"), "--ray-address",
                             "127.0.0.1:1"], tmp_path, monkeypatch)
    assert "127.0.0.1:1" in line


# -- huge work: refused with its estimate, or reported while it runs ------------------------------
@pytest.mark.parametrize("args, message", [
    (["train", "--games", "8", "--batch-steps", "100000000"], "GB of memory"),
    (["train", "--games", "65536", "--hidden", ",".join(["4096"] * 8)], "GB of memory"),
    (["qlearn", "train", "--cell", "1", "--next-cell", "1", "--grid", "uniform"], "--next-cell"),
    (["train", "--obs", "pixels", "--min-deaths", "4194304", "--max-rounds", "1024"],
     "--max-rounds"),
], ids=["batch steps", "games and layers", "q-table grid", "pixel rounds"])
def test_huge_work_is_refused_with_its_estimate_naming_the_option(args, message, tmp_path,
                                                                  monkeypatch):
    assert message in one_line_failure(args, tmp_path, monkeypatch)


def test_a_long_update_reports_that_it_is_still_running():
    from flappy_pg.runs.harness import Heartbeat
    lines = []
    with Heartbeat(lines.append, every=0.2) as heartbeat:
        heartbeat.beat("update 7")
        time.sleep(0.8)
    assert lines and lines[0].startswith("update 7: still running after")


def test_the_vector_env_refuses_a_huge_number_of_games():
    import gymnasium as gym

    import flappy_pg  # noqa: F401
    with pytest.raises(ConfigError, match="num_envs"):
        gym.make_vec("flappy_pg/FlappyBird-v0", num_envs=10**7,
                     vectorization_mode="vector_entry_point")


# -- a stop within a second, wherever the loop is ------------------------------------------------
def test_a_dropped_batch_leaves_the_trainer_as_it_was():
    config = TrainConfig(games=4, hidden=(8,), eval_every_steps=0, torch_threads=1, batch_steps=500)
    plain, dropped = Trainer(config), Trainer(config)
    calls = []

    def stop_after_some_frames() -> bool:
        calls.append(1)
        return len(calls) > 30
    with pytest.raises(Abandoned):
        dropped.step(should_stop=stop_after_some_frames)
    assert dropped.state.updates == 0
    first, again = plain.step(), dropped.step()
    assert first["score_mean"] == again["score_mean"] and first["batch_steps"] == again["batch_steps"]
    for a, b in zip(plain.policy.parameters(), dropped.policy.parameters()):
        assert np.array_equal(a.detach().numpy(), b.detach().numpy())


@pytest.mark.slow
def test_ctrl_c_inside_a_long_batch_stops_within_seconds_and_resumes(tmp_path):
    from flappy_pg.agents.reinforce.checkpoint import load_checkpoint
    args = [sys.executable, "-m", "flappy_pg", "train", "--games", "8", "--hidden", "8",
            "--batch-steps", "3000000", "--threads", "1", "--seconds", "600",
            "--out", str(tmp_path / "ck"), "--runs", str(tmp_path / "runs"), "--name", "long"]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen = []
    for line in process.stdout:
        seen.append(line)
        if line.startswith("evaluation"):  # the untrained policy's, just before the first batch
            break
    time.sleep(2.0)  # inside the first batch, which takes far longer
    process.send_signal(signal.SIGINT)
    asked = time.perf_counter()
    output = "".join(seen) + process.communicate(timeout=60)[0]
    assert time.perf_counter() - asked < 15, output  # it waited for the whole batch before
    assert process.returncode == 0 and "Traceback" not in output, output
    assert "update 1 was dropped to stop at once" in output, output
    latest = tmp_path / "ck" / "long" / "latest.pt"
    assert load_checkpoint(latest)["state"]["updates"] == 0
    resumed = Trainer.restore(latest, {})
    fresh = Trainer(resumed.config)
    assert resumed.rounds == fresh.rounds == 0
    assert resumed.rng.bit_generator.state == fresh.rng.bit_generator.state


# -- messages that name the right command or file -------------------------------------------------
def test_resuming_the_other_kind_of_file_names_the_right_command(tmp_path, monkeypatch):
    from flappy_pg.paths import PRETRAINED_POLICY, PRETRAINED_QTABLE
    assert "qlearn train --resume" in one_line_failure(
        ["train", "--resume", str(PRETRAINED_QTABLE)], tmp_path, monkeypatch)
    assert "qlearn" in one_line_failure(["gradlab", str(PRETRAINED_QTABLE)], tmp_path, monkeypatch)
    assert "train --resume" in one_line_failure(
        ["qlearn", "train", "--resume", str(PRETRAINED_POLICY)], tmp_path, monkeypatch)


def test_a_failed_recording_leaves_no_temporary_file(tmp_path, monkeypatch):
    import errno

    from PIL import Image

    from flappy_pg.render.recording import Recorder

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")
    recorder = Recorder(tmp_path / "rec.gif")
    recorder.add(np.zeros((512, 288, 3), dtype=np.uint8))
    monkeypatch.setattr(Image.Image, "save", full_disk)
    with pytest.raises(OSError):
        recorder.save()
    assert list(tmp_path.iterdir()) == []


def test_a_log_write_on_a_full_disk_names_its_file(tmp_path):
    import errno

    from flappy_pg.runs.log import naming
    with pytest.raises(OSError) as raised:
        with naming(tmp_path / "updates.csv"):
            raise OSError(errno.ENOSPC, "No space left on device")
    assert raised.value.filename == str(tmp_path / "updates.csv")
