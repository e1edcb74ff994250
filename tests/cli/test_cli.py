"""The command line: help everywhere, one-line errors for bad input, tiny end-to-end runs."""

import csv
import json

import numpy as np
import pytest
from click.testing import CliRunner

from flappy_pg.cli import main

COMMANDS = [[], ["train"], ["eval"], ["watch"], ["play"], ["bench"], ["bench", "env"],
            ["qlearn"], ["qlearn", "train"], ["qlearn", "eval"], ["qlearn", "watch"], ["compare"]]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = CliRunner().invoke(main, command + ["--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


@pytest.mark.parametrize("args, message", [
    (["eval", "missing.pt"], "checkpoint not found"),
    (["watch", "missing.pt"], "checkpoint not found"),
    (["qlearn", "eval", "missing.npz"], "Q-table not found"),
    (["train", "--gap", "500"], "pipe_gap"),
    (["play", "--record", "out.mp3"], ".mp4"),
    (["compare", "--seeds", "a,b"], "--seeds"),
    (["train", "--gamma", "2"], "--gamma"),
    (["eval", "--episodes", "zero"], "--episodes"),
    (["train", "--no-such-option"], "No such option"),
    (["qlearn", "train", "--update", "sideways"], "--update"),
])
def test_bad_input_gets_one_line_and_a_nonzero_exit(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert len([line for line in result.output.splitlines() if line.strip()]) == 1


def test_corrupt_checkpoint_is_one_line(tmp_path):
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a checkpoint")
    result = CliRunner().invoke(main, ["eval", str(bad)])
    assert result.exit_code == 1 and "corrupt" in result.output


def test_train_then_resume_then_eval(tmp_path):
    runner = CliRunner()
    common = ["--games", "4", "--hidden", "8", "--eval-episodes", "2", "--out", str(tmp_path / "ck"),
              "--runs", str(tmp_path / "runs"), "--name", "tiny", "--threads", "1"]
    first = runner.invoke(main, ["train", "--steps", "500", *common])
    assert first.exit_code == 0, first.output
    assert "update" in first.output and (tmp_path / "ck" / "tiny" / "latest.pt").exists()
    with (tmp_path / "runs" / "tiny" / "updates.csv").open() as f:
        rows = list(csv.DictReader(f))
    steps_before = int(rows[-1]["env_steps"])
    second = runner.invoke(main, ["train", "--resume", str(tmp_path / "ck" / "tiny" / "latest.pt"),
                                  "--steps", str(steps_before + 500), "--out", str(tmp_path / "ck"),
                                  "--runs", str(tmp_path / "runs")])
    assert second.exit_code == 0, second.output
    assert "resuming" in second.output
    with (tmp_path / "runs" / "tiny" / "updates.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert int(rows[-1]["env_steps"]) > steps_before
    again = runner.invoke(main, ["train", "--steps", "500", *common])  # same name: refused
    assert again.exit_code == 1 and "already holds a run" in again.output
    evaluated = runner.invoke(main, ["eval", str(tmp_path / "ck" / "tiny" / "best.pt"),
                                     "--episodes", "3", "--max-score", "5"])
    assert evaluated.exit_code == 0 and "score over 3 episodes" in evaluated.output


def test_qlearn_train_and_eval(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["qlearn", "train", "--steps", "3000", "--games", "4",
                                  "--eval-episodes", "2", "--out", str(tmp_path / "ck"),
                                  "--runs", str(tmp_path / "runs"), "--name", "q"])
    assert result.exit_code == 0, result.output
    table = tmp_path / "ck" / "q" / "latest.npz"
    evaluated = runner.invoke(main, ["qlearn", "eval", str(table), "--episodes", "2"])
    assert evaluated.exit_code == 0 and "score over 2 episodes" in evaluated.output


@pytest.mark.slow
def test_compare_writes_a_well_formed_report(tmp_path):
    out = tmp_path / "report"
    result = CliRunner().invoke(main, ["compare", "--seconds", "1.5", "--seeds", "0,1",
                                       "--eval-every-seconds", "0.3", "--eval-episodes", "2",
                                       "--final-episodes", "3", "--gap", "180", "--out", str(out)])
    assert result.exit_code == 0, result.output
    for name in ("summary.md", "summary.html", "curves.csv", "finals.csv", "score_vs_steps.png",
                 "score_vs_seconds.png", "score_vs_episodes.png"):
        assert (out / name).stat().st_size > 0
    summary = (out / "summary.md").read_text()
    assert "| REINFORCE |" in summary and "| Q-learning |" in summary and "Verdict" in summary
    with (out / "finals.csv").open() as f:
        finals = list(csv.DictReader(f))
    assert {(r["agent"], r["seed"]) for r in finals} == {
        ("REINFORCE", "0"), ("REINFORCE", "1"), ("Q-learning", "0"), ("Q-learning", "1")}
    assert (out / "score_vs_steps.png").read_bytes()[:4] == b"\x89PNG"


def test_compare_counts_a_rare_capped_game_instead_of_printing_zero_percent():
    import numpy as np

    from flappy_pg.agents.evaluate import capped_text
    scores = np.array([1000] + [5] * 299)
    assert capped_text(scores, 1000) == "1 of 300 (<1%)"
    assert capped_text(np.array([1000, 3]), 1000) == "1 of 2 (50%)"
    assert capped_text(np.array([3, 3]), 1000) == "0 of 2 (0%)"
    assert capped_text(np.array([5] + [1000] * 299), 1000) == "299 of 300 (>99%)"
    assert capped_text(np.array([1000, 1000]), 1000) == "2 of 2 (100%)"


@pytest.mark.slow
def test_ctrl_c_stops_after_the_update_and_keeps_a_checkpoint(tmp_path):
    import signal
    import subprocess
    import sys
    import time
    args = [sys.executable, "-m", "flappy_pg", "train", "--seconds", "120", "--games", "8",
            "--hidden", "8", "--threads", "1", "--eval-every-steps", "0", "--out", str(tmp_path / "ck"),
            "--runs", str(tmp_path / "runs"), "--name", "stop"]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 60
    while not (tmp_path / "runs" / "stop" / "updates.csv").exists() and time.time() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert "stopped: interrupted" in output and "Traceback" not in output
    assert (tmp_path / "ck" / "stop" / "latest.pt").exists()


def test_gradlab_writes_its_tables_and_plots(tmp_path):
    result = CliRunner().invoke(main, ["gradlab", "--fresh", "--quick", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    report = (tmp_path / "gradlab.md").read_text()
    assert "| reward-to-go - V(s) |" in report and "| a fresh policy | reward-to-go - V(s) |" in report
    assert "its estimated error" in report
    assert "Made with `--quick`" in report and "dotted lines at 0.5 and 0.9" in report
    assert "Gradient lab" in result.output or "gradient lab" in result.output
    for plot in ("gradlab.png", "cosines.png"):
        assert (tmp_path / plot).read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("agent", ["reinforce", "qlearn"])
def test_tensorboard_gets_every_episode_and_the_hyperparameters(agent, tmp_path):
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    command = ["train", "--hidden", "8", "--threads", "1"] if agent == "reinforce" else \
        ["qlearn", "train"]
    result = CliRunner().invoke(main, [*command, "--steps", "3000", "--games", "4",
                                       "--eval-episodes", "2", "--out", str(tmp_path / "ck"),
                                       "--runs", str(tmp_path / "runs"), "--name", "tb"])
    assert result.exit_code == 0, result.output
    events = EventAccumulator(str(tmp_path / "runs" / "tb" / "tensorboard"),
                              size_guidance={"scalars": 0, "tensors": 0}).Reload()
    with (tmp_path / "runs" / "tb" / "updates.csv").open() as f:
        episodes = int(list(csv.DictReader(f))[-1]["episodes"])
    returns = events.Scalars("charts/episodic_return")
    assert len(returns) == len(events.Scalars("charts/episodic_length")) == episodes
    assert "hyperparameters" in str(events.Tags()["tensors"])
    if agent == "qlearn":
        assert events.Scalars("charts/epsilon")


def test_bench_train_prints_rows_times_to_targets_and_a_summary(tmp_path):
    result = CliRunner().invoke(main, ["bench", "train", "--seeds", "0", "--marks", "0.3,0.6",
                                       "--check-every", "0.2", "--episodes", "4", "--max-score",
                                       "1", "--csv", str(tmp_path / "rows.csv"),
                                       "--save-policies", str(tmp_path / "policies")])
    assert result.exit_code == 0, result.output
    assert CliRunner().invoke(main, ["eval", str(tmp_path / "policies" / "reinforce-seed0.pt"),
                                     "--episodes", "2"]).exit_code == 0
    lines = result.output.splitlines()
    assert any(line.startswith("seed   0: mean 100 at not reached;") for line in lines)
    assert any(line.startswith("summary: mean 100 within 30 s not tested (the runs lasted 0.6 s)")
               for line in lines)
    with (tmp_path / "rows.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert [r["mark_s"] for r in rows] == ["0.3", "0.6"]
    # each check evaluates the policy as it stood at its mark: trained no longer than that
    assert all(float(r["train_s"]) <= float(r["mark_s"]) for r in rows)


def test_target_lines_count_seeds_within_the_limit():
    from flappy_pg.studies.bench import SeedResult, target_lines
    results = [SeedResult(0, 600, 10, to_mean=(40.0, 5), to_capped=(500.0, 9)),
               SeedResult(1, 600, 10, to_mean=(80.0, 7), to_capped=None)]
    lines = target_lines(results, 100, 0.99, mean_within=60, capped_within=600)
    assert lines[2] == ("summary: mean 100 within 60 s on 1 of 2 seeds (reached at all on 2), "
                        "median 60.0 s over the seeds that reached it")
    assert lines[3].startswith("summary: 99% capped within 600 s on 1 of 2 seeds (reached at all on 1)")
    assert "not reached" in lines[1]
    short = target_lines(results, 100, 0.99, mean_within=60, capped_within=600, budget=120)
    assert short[2] == lines[2]
    assert short[3] == ("summary: 99% capped within 600 s not tested (the runs lasted 120 s); "
                        "reached on 0 of 2 seeds")


def test_qlearn_classic_preset_with_an_episode_budget(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["qlearn", "train", "--preset", "classic", "--episodes", "20",
                                  "--seconds", "0", "--next-cell", "40", "--out", str(tmp_path / "ck"),
                                  "--runs", str(tmp_path / "runs"), "--name", "c"])
    assert result.exit_code == 0, result.output
    assert "episode budget (20 episodes)" in result.output
    config = (tmp_path / "runs" / "c" / "config.json").read_text()
    assert '"rewards_scheme": "classic"' in config and '"next_cell": 40' in config
    assert '"games": 1' in config


def test_qlearn_train_option_defaults_are_the_config_defaults():
    from flappy_pg.agents.qlearning.config import QConfig
    command = main.commands["qlearn"].commands["train"]
    defaults = {p.name: p.default for p in command.params}
    config = QConfig()
    for name in ("games", "grid", "cell", "next_cell", "alpha", "alpha_decay", "gamma",
                 "epsilon_start", "epsilon_end", "epsilon_steps", "update", "rewards_scheme",
                 "eval_every_steps", "eval_episodes"):
        assert defaults[name] == getattr(config, name), name


def test_train_from_pixels_takes_pixel_defaults_and_its_checkpoint_evaluates(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["train", "--obs", "pixels", "--games", "4", "--steps", "300",
                                  "--threads", "1", "--eval-every-steps", "0", "--eval-episodes", "2",
                                  "--out", str(tmp_path / "ck"), "--runs", str(tmp_path / "runs"),
                                  "--name", "px"])
    assert result.exit_code == 0, result.output
    config = json.loads((tmp_path / "runs" / "px" / "config.json").read_text())
    assert (config["obs"], config["games"], config["train_max_score"], config["lr"],
            config["hidden"], config["baseline"]) == ("pixels", 4, 30, 0.001, [64], "state")
    assert config["pixel_net"] == "mlp"
    evaluated = runner.invoke(main, ["eval", str(tmp_path / "ck" / "px" / "latest.pt"),
                                     "--episodes", "2", "--max-score", "3"])
    assert evaluated.exit_code == 0 and "score over 2 episodes" in evaluated.output
    # watch shows what the pixel policy is fed: the 64 x 36 frame, scaled 2x, top right
    shot = tmp_path / "shot.png"
    watched = runner.invoke(main, ["watch", str(tmp_path / "ck" / "px" / "latest.pt"),
                                   "--show-input", "--frames", "5", "--record", str(shot)])
    assert watched.exit_code == 0, watched.output
    from PIL import Image
    image = np.asarray(Image.open(shot).convert("RGB"))
    left, top = 288 - 36 * 2 - 6, 6
    assert (image[top - 2, left: left + 72] == 255).all()  # the frame's white border
    inside = image[top: top + 128, left: left + 72]
    assert (inside[..., 0] == inside[..., 1]).all() and {0, 64} <= set(np.unique(inside))


def test_each_state_is_evaluated_once_even_when_the_last_update_was_evaluated(tmp_path):
    # --eval-every-steps 1: the loop evaluates after every update, the last one included, so the
    # final evaluation must not run again (it printed twice and wrote a duplicate row before).
    result = CliRunner().invoke(main, ["qlearn", "train", "--steps", "3000", "--games", "4",
                                       "--eval-every-steps", "1", "--eval-episodes", "2",
                                       "--out", str(tmp_path / "ck"), "--runs", str(tmp_path / "runs"),
                                       "--name", "q"])
    assert result.exit_code == 0, result.output
    with open(tmp_path / "runs" / "q" / "evals.csv") as f:
        steps = [row["env_steps"] for row in csv.DictReader(f)]
    assert len(steps) >= 2 and len(steps) == len(set(steps))
    assert result.output.count("evaluation (greedy") == len(steps)


@pytest.mark.parametrize("command", [["play", "--mute"], ["qlearn", "watch"]])
def test_record_refuses_to_replace_a_file_unless_forced(command, tmp_path):
    out = tmp_path / "mine.gif"
    out.write_bytes(b"the user's own file")
    refused = CliRunner().invoke(main, [*command, "--record", str(out), "--frames", "3"])
    assert refused.exit_code == 1 and "already exists" in refused.output and "--force" in refused.output
    assert out.read_bytes() == b"the user's own file"
    forced = CliRunner().invoke(main, [*command, "--record", str(out), "--frames", "3", "--force"])
    assert forced.exit_code == 0, forced.output
    assert out.read_bytes()[:3] == b"GIF"


@pytest.mark.parametrize("record, message", [
    ("missing/deeper/x.gif", "does not exist"),
    (".gif", "no name before its extension"),
])
def test_record_into_a_missing_folder_creates_nothing(record, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["play", "--mute", "--record", record, "--frames", "3"])
    assert result.exit_code == 1 and message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "missing").exists()
