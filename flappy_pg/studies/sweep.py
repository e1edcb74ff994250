"""`flappy-pg sweep`: one agent trained over a grid of settings x seeds, each (setting, seed) a
tracked run (`flappy_pg.studies.tracked`) and one job, evaluated on the same unseen games.

The report folder gets `results.csv` (one row per setting and seed), `summary.md` and
`summary.html` (per setting: the final score's mean and its spread over the seeds, the share at
the cap, the steps and time to a mean of 100; and the fastest setting, named in a one-line
verdict), `curves.csv`, `finals.csv`, the curves per setting with bands over the seeds
(`score_vs_*.png`) and `jobs.json` (the finished jobs, for `--resume`).
"""

from __future__ import annotations

import itertools
import math
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from flappy_pg.agents.configs import learner_config
from flappy_pg.errors import ConfigError
from flappy_pg.files import atomic_write_text
from flappy_pg.runs.jobs import Job, JobSettings, Outcome, ResultStore, run_jobs, stop_lines
from flappy_pg.studies.compare_report import AgentRun, _csv_text, write_report
from flappy_pg.studies.tracked import cpus_of, tracked_job

TARGET = 100  # the verdict's yardstick: the first evaluation mean of this many pipes
CURVE_POINTS = 20  # evaluations along a run's budget, for its curve
MAX_RUNS = 10_000


@dataclass(frozen=True)
class Setting:
    """One point of the grid: `values` as the user wrote them (option name -> text), and the
    learner's settings on each seed (its config as plain values)."""

    values: tuple[tuple[str, str], ...]
    configs: tuple[tuple[int, dict], ...]  # (seed, settings)

    @property
    def label(self) -> str:
        return " ".join(f"{name}={value}" for name, value in self.values) or "defaults"


def grid_settings(kind: str, grid: list[tuple[str, list[str]]], seeds: tuple[int, ...],
                  budget: dict, setting_of: Callable[[str, str], tuple[str, object]]) -> list[Setting]:
    """Every point of the grid on every seed, each config checked before any job starts. `grid`
    holds each option's name and its values as written; `setting_of(name, text)` gives the
    field and value that the option sets (the command line's own parsing); `budget` the fields
    every run shares. A ConfigError names the grid point at fault."""
    runs = math.prod(len(values) for _, values in grid) * len(seeds)
    if runs > MAX_RUNS:  # counted before the grid is built: a huge grid never fills the memory
        raise ConfigError(f"the grid has {runs:,} runs; at most {MAX_RUNS:,}")
    names = [name for name, _ in grid]
    settings = []
    for combo in itertools.product(*(values for _, values in grid)):
        try:
            values = dict(setting_of(name, text) for name, text in zip(names, combo))
            configs = tuple((seed, learner_config(kind, {**budget, **values, "seed": seed})
                             .to_dict()) for seed in seeds)
        except ConfigError as error:
            where = " ".join(f"{n}={v}" for n, v in zip(names, combo))
            raise ConfigError(f"--set {where}: {error}") from None
        settings.append(Setting(tuple(zip(names, combo)), configs))
    return settings


def cadence(budget: dict) -> tuple[str, float]:
    """Evaluate on env steps when there is a step budget (the curve is then the same however
    the jobs run), else on training seconds."""
    if budget.get("max_steps"):
        return "env_steps", max(1, budget["max_steps"] // CURVE_POINTS)
    return "seconds", max(budget["max_seconds"] / CURVE_POINTS, 0.001)


def sweep_jobs(kind: str, settings: list[Setting], budget: dict, final_episodes: int,
               final_seed: int) -> list[Job]:
    clock, every = cadence(budget)
    return [Job(f"{s.label} seed {seed}", tracked_job,
                dict(kind=kind, label=s.label, settings=config, eval_every=every,
                     final_episodes=final_episodes, final_seed=final_seed, cadence=clock),
                cpus=cpus_of(kind, config))
            for s in settings for seed, config in s.configs]


def result_rows(settings: list[Setting], runs: dict[str, AgentRun]) -> list[list]:
    """results.csv: one row per finished (setting, seed)."""
    names = list(dict.fromkeys(name for s in settings for name, _ in s.values))
    rows = []
    for s in settings:
        values = dict(s.values)
        for seed, _ in s.configs:
            run = runs.get(f"{s.label} seed {seed}")
            if run is None:
                continue
            steps, seconds = (run.first_reaching(TARGET, k) for k in ("env_steps", "seconds"))
            rows.append([s.label, *(values.get(n, "") for n in names), seed,
                         run.final["mean"], run.final["capped_share"], run.env_steps,
                         round(run.seconds, 1), "" if steps is None else steps,
                         "" if seconds is None else round(seconds, 1)])
    header = ["setting", *names, "seed", "final_mean", "capped_share", "env_steps", "seconds",
              f"env_steps_to_{TARGET}", f"seconds_to_{TARGET}"]
    return [header, *rows]


def fastest(settings: list[Setting], runs: dict[str, AgentRun], key: str) -> str:
    """The one-line verdict: the setting that reached a mean of TARGET on the most seeds, at the
    lowest median `key` (env steps or seconds); ties go to the higher final mean."""
    scored = []
    for s in settings:
        mine = [runs[f"{s.label} seed {seed}"] for seed, _ in s.configs
                if f"{s.label} seed {seed}" in runs]
        if not mine:
            continue
        reached = [v for v in (r.first_reaching(TARGET, key) for r in mine) if v is not None]
        final = statistics.mean(r.final["mean"] for r in mine)
        median = statistics.median(reached) if reached else float("inf")
        scored.append((-len(reached), median, -final, s.label, len(mine), len(reached)))
    if not scored:
        return ""
    scored.sort()
    _, median, final, label, seeds, reached = scored[0]
    unit = "env steps" if key == "env_steps" else "s of training"
    if not reached:
        best = min(scored, key=lambda t: t[2])
        return (f"**Fastest:** no setting reached a mean of {TARGET}; the highest final mean was "
                f"{-best[2]:.1f}, with {best[3]}.")
    amount = f"{median:,.0f} {unit}" if key == "env_steps" else f"{median:.1f} {unit}"
    return (f"**Fastest:** {label} reached a mean of {TARGET} on {reached} of {seeds} seeds, at "
            f"a median of {amount} (final mean {-final:.1f}).")


def run_sweep(kind: str, settings: list[Setting], budget: dict, out: Path,
              final_episodes: int = 100, final_seed: int = 3_000_000,
              parallel: JobSettings = JobSettings(),
              echo: Callable[[str], None] = print) -> tuple[dict[str, AgentRun], Outcome]:
    """Run every (setting, seed) job and keep the report current as each one finishes."""
    jobs = sweep_jobs(kind, settings, budget, final_episodes, final_seed)
    order = {job.key: i for i, job in enumerate(jobs)}
    runs: dict[str, AgentRun] = {}
    store = ResultStore(out / "jobs.json")
    if parallel.resume:
        store.load(check=AgentRun.from_dict)
    key = "env_steps" if budget.get("max_steps") else "seconds"
    agent = "REINFORCE" if kind == "reinforce" else "Q-learning"
    budget_text = ", ".join(f"{k} = {v:g}" for k, v in budget.items() if v)
    seeds = sorted({seed for s in settings for seed, _ in s.configs})

    def report(quiet: bool) -> None:
        finished = [runs[k] for k in sorted(runs, key=order.get)]
        if not finished:
            return
        atomic_write_text(out / "results.csv", _csv_text(*_split(result_rows(settings, runs))))
        intro = (f"{agent} over {len(settings)} settings x seeds {', '.join(map(str, seeds))}; "
                 f"budget per run: {budget_text}. Final evaluation: {final_episodes} greedy games "
                 f"per run on the same unseen seeds, capped at {finished[0].final['max_score']} "
                 f"pipes.")
        write_report(finished, out, f"Sweep of {agent}", intro, fastest(settings, runs, key),
                     echo=(lambda line: None) if quiet else echo)

    def on_result(job: Job, result: dict) -> None:
        runs[job.key] = AgentRun.from_dict(result)
        report(quiet=True)

    outcome = run_jobs(jobs, on_result, parallel, store=store, echo=echo)
    report(quiet=False)
    for line in stop_lines(outcome, jobs, f"{len(runs)} finished runs in {out}"):
        echo(line)
    return runs, outcome


def _split(table: list[list]) -> tuple[list, list[list]]:
    return table[0], table[1:]
