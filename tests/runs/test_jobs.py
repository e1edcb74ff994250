"""The job runner: results as each job finishes, failures reported, --resume, and the same
figures alone, in a process pool and on Ray."""

import csv

import pytest
from click.testing import CliRunner

from flappy_pg.cli import main
from flappy_pg.runs.jobs import Job, JobSettings, ResultStore, run_jobs, stop_lines


def square(x: int) -> dict:
    return {"square": x * x}


def broken(x: int) -> dict:
    raise ValueError(f"no good value: {x}")


def test_results_come_in_as_jobs_finish_and_a_failure_leaves_the_others(tmp_path):
    jobs = [Job(f"x={x}", square if x != 2 else broken, {"x": x}) for x in range(4)]
    seen, lines = [], []
    outcome = run_jobs(jobs, lambda job, result: seen.append((job.key, result)),
                       store=ResultStore(tmp_path / "jobs.json"), echo=lines.append)
    assert seen == [("x=0", {"square": 0}), ("x=1", {"square": 1}), ("x=3", {"square": 9})]
    assert outcome.failed == {"x=2": "ValueError: no good value: 2"}
    assert "job x=2 failed: ValueError: no good value: 2" in lines
    assert any(line.startswith("jobs: 3 done, 0 running, 0 left, 1 failed") for line in lines)
    assert stop_lines(outcome, jobs, "x")[0].startswith("1 job(s) failed: x=2")


def test_resume_runs_only_the_missing_jobs_and_never_reuses_other_settings(tmp_path):
    store_path = tmp_path / "jobs.json"
    first = [Job(f"x={x}", square, {"x": x}) for x in range(3)]
    run_jobs(first[:2], lambda job, result: None, store=ResultStore(store_path), echo=print)
    store = ResultStore(store_path)
    store.load()
    ran = []
    changed = Job("x=1", square, {"x": 5})  # same key, other settings: run again
    outcome = run_jobs([first[0], changed, first[2]], lambda job, result: ran.append(job.key),
                       store=store, echo=print)
    assert outcome.reused == 1
    assert ran == ["x=0", "x=1", "x=2"]  # the reused one first, then the two that ran
    assert outcome.results["x=1"] == {"square": 25}


def test_a_process_pool_gives_the_same_results(tmp_path):
    jobs = [Job(f"x={x}", square, {"x": x}) for x in range(5)]
    seen = {}
    outcome = run_jobs(jobs, lambda job, result: seen.update({job.key: result}),
                       JobSettings(workers=2), echo=lambda line: None)
    assert not outcome.failed and seen == {f"x={x}": {"square": x * x} for x in range(5)}


def finals(folder) -> list[tuple]:
    """finals.csv without its seconds (the one column that depends on the machine's speed)."""
    with open(folder / "finals.csv") as f:
        return [tuple(v for k, v in row.items() if k != "seconds") for row in csv.DictReader(f)]


COMPARE = ["compare", "--seconds", "0", "--steps", "60000", "--seeds", "0,1",
           "--eval-every-seconds", "0.5", "--eval-episodes", "2", "--final-episodes", "8",
           "--gap", "180"]


@pytest.mark.slow
def test_compare_with_a_step_budget_gives_the_same_figures_alone_and_under_jobs_2(tmp_path):
    alone = CliRunner().invoke(main, [*COMPARE, "--out", str(tmp_path / "alone")])
    pooled = CliRunner().invoke(main, [*COMPARE, "--out", str(tmp_path / "pool"), "--jobs", "2"])
    assert alone.exit_code == 0 and pooled.exit_code == 0, alone.output + pooled.output
    assert finals(tmp_path / "alone") == finals(tmp_path / "pool")
    assert len(finals(tmp_path / "alone")) == 4


@pytest.mark.slow
def test_ray_gives_the_same_figures_for_compare_sweep_and_bench(tmp_path):
    pytest.importorskip("ray")
    runner = CliRunner()
    alone = runner.invoke(main, [*COMPARE, "--out", str(tmp_path / "alone")])
    on_ray = runner.invoke(main, [*COMPARE, "--out", str(tmp_path / "ray"), "--ray"])
    assert alone.exit_code == 0 and on_ray.exit_code == 0, on_ray.output
    assert "Ray: " in on_ray.output
    assert finals(tmp_path / "alone") == finals(tmp_path / "ray")
    sweep = ["sweep", "--agent", "qlearn", "--set", "games=8,16", "--seeds", "0", "--steps", "20000",
             "--final-episodes", "4"]
    s1 = runner.invoke(main, [*sweep, "--out", str(tmp_path / "s1")])
    s2 = runner.invoke(main, [*sweep, "--out", str(tmp_path / "s2"), "--ray"])
    assert s1.exit_code == 0 and s2.exit_code == 0, s2.output
    assert finals(tmp_path / "s1") == finals(tmp_path / "s2")
    bench = runner.invoke(main, ["bench", "train", "--seeds", "0,1", "--marks", "0.3",
                                 "--check-every", "0", "--episodes", "2", "--max-score", "1",
                                 "--csv", str(tmp_path / "rows.csv"), "--ray"])
    assert bench.exit_code == 0, bench.output
    with open(tmp_path / "rows.csv") as f:
        assert [r["seed"] for r in csv.DictReader(f)] == ["0", "1"]


def test_ray_missing_or_combined_with_jobs_is_one_line(monkeypatch):
    result = CliRunner().invoke(main, [*COMPARE, "--ray", "--jobs", "2"])
    assert result.exit_code != 0 and "not both" in result.output
    import importlib.util
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "ray" else real(name, *a))
    result = CliRunner().invoke(main, [*COMPARE, "--ray"])
    assert result.exit_code != 0 and "pip install 'flappy-pg[ray]'" in result.output
    assert len(result.output.strip().splitlines()) == 1
