"""`flappy-pg sweep`: a grid of settings x seeds, checked before any job, and its report."""

import csv

import pytest
from click.testing import CliRunner

from flappy_pg.cli import main


@pytest.mark.slow
def test_a_tiny_sweep_writes_its_results_report_and_verdict(tmp_path):
    out = tmp_path / "sweep"
    result = CliRunner().invoke(main, ["sweep", "--set", "games=4,8", "--set", "baseline=mean,none",
                                       "--seeds", "0,1", "--steps", "3000", "--final-episodes",
                                       "3", "--out", str(out), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    with open(out / "results.csv") as f:
        rows = list(csv.DictReader(f))
    assert [(r["games"], r["baseline"], r["seed"]) for r in rows] == [
        (g, b, s) for g in ("4", "8") for b in ("mean", "none") for s in ("0", "1")]
    summary = (out / "summary.md").read_text()
    assert "| measure | games=4 baseline=mean | games=4 baseline=none |" in summary
    assert "**Fastest:**" in summary and "over the seeds: mean ± std" in summary
    for name in ("summary.html", "score_vs_steps.png", "curves.csv", "jobs.json"):
        assert (out / name).stat().st_size > 0


@pytest.mark.slow
def test_resume_runs_only_the_runs_that_are_missing(tmp_path):
    out = tmp_path / "sweep"
    args = ["sweep", "--agent", "qlearn", "--set", "alpha=0.1,0.2", "--seeds", "0", "--steps",
            "5000", "--final-episodes", "2", "--out", str(out)]
    assert CliRunner().invoke(main, args).exit_code == 0
    again = CliRunner().invoke(main, [*args, "--resume"])
    assert again.exit_code == 0
    assert "reusing 2 finished job(s)" in again.output and "started" not in again.output


@pytest.mark.parametrize("sets, message", [
    (["gamez=1"], "no such option of `train`"),
    (["games=0,5"], "--set games=0: Invalid value for '--games'"),
    (["lr=nan"], "not a finite number"),
    (["normalize=maybe"], "takes true or false"),
    (["seed=1,2"], "the sweep's own options"),
    (["games"], "NAME=VALUE"),
])
def test_every_value_is_checked_before_any_job_starts(sets, message, tmp_path):
    args = ["sweep", "--steps", "10", "--out", str(tmp_path / "s")]
    for text in sets:
        args += ["--set", text]
    result = CliRunner().invoke(main, args)
    assert result.exit_code != 0 and message in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "s" / "jobs.json").exists()
