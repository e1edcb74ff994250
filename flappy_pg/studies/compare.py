"""`flappy-pg compare`: REINFORCE against tabular Q-learning on the same game, seeds and budget.

Each agent trains for the same budget (seconds and/or env steps) on each seed; every
`eval_every_seconds` of training, and at the end, it is evaluated greedily on the same unseen
seeds (a time cadence, because the agents' step rates differ twentyfold). The final evaluation
plays the same unseen games for both agents. The report folder gets `summary.md` and
`summary.html` (a verdict and the table), `curves.csv` (every evaluation), `finals.csv`, and the
curves against env steps, training seconds and training episodes (`score_vs_*.png`): each
seed's curve holds its last evaluation until the next one (no interpolation), the line is the
mean over seeds of those, the band their min and max.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from flappy_pg.agents.settings import MAX_EVAL_EPISODES
from flappy_pg.game.config import GameConfig, setting
from flappy_pg.runs.jobs import Job, JobSettings, Outcome, ResultStore, run_jobs, stop_lines
from flappy_pg.studies.compare_report import (
    AGENTS,
    AgentRun,
    comparison_intro,
    verdict,
    write_report,
)
from flappy_pg.studies.tracked import cpus_of, tracked_job

KINDS = {"REINFORCE": ("reinforce", ".pt"), "Q-learning": ("qlearning", ".npz")}


def comparison_jobs(game: GameConfig, seeds: tuple[int, ...], budget: dict,
                    eval_every_seconds: float, eval_episodes: int, final_episodes: int,
                    final_seed: int, save_agents: Path | None) -> list[Job]:
    """One job per agent and seed, REINFORCE's first: each trains with the agent's default
    settings under `budget`, on the same game and evaluation games."""
    jobs = []
    for agent in AGENTS:
        kind, suffix = KINDS[agent]
        for seed in seeds:
            settings = {"seed": seed, "game": game.to_dict(), "eval_episodes": eval_episodes,
                        **budget}
            save = (str(save_agents / f"{agent.lower().replace('-', '')}-seed{seed}{suffix}")
                    if save_agents is not None else None)
            jobs.append(Job(f"{agent} seed {seed}", tracked_job,
                            dict(kind=kind, label=agent, settings=settings,
                                 eval_every=eval_every_seconds, final_episodes=final_episodes,
                                 final_seed=final_seed, save_path=save),
                            cpus=cpus_of(kind, settings)))
    return jobs


@dataclass(frozen=True)
class Comparison:
    """What `compare` runs: both agents on `game` and `seeds`, each for `seconds` and/or
    `steps`, evaluated every `eval_every_seconds` of training on `eval_episodes` games, then on
    `final_episodes` games from `final_seed`; the report goes to `out`, and with `save_agents`
    each trained agent is saved there (`reinforce-seed0.pt`, `qlearning-seed0.npz`, ...)."""

    game: GameConfig
    seeds: tuple[int, ...]
    seconds: float
    steps: int
    out: Path
    eval_every_seconds: float = setting(20.0, "Training seconds between evaluations for the "
                                        "curves.", 0.001, 10**7)
    eval_episodes: int = setting(32, "Episodes per evaluation on the curves.", 1, MAX_EVAL_EPISODES)
    final_episodes: int = setting(100, "Episodes of the final evaluation, per seed.", 1,
                                  MAX_EVAL_EPISODES)
    final_seed: int = 3_000_000
    save_agents: Path | None = None


def run_comparison(comparison: Comparison, parallel: JobSettings = JobSettings(),
                   echo: Callable[[str], None] = print) -> tuple[list[AgentRun], Outcome]:
    """Train and evaluate both agents on every seed (as jobs, as `parallel` says), and write the
    report after each finished job; `parallel.resume` reuses the finished jobs stored in the
    report folder by an earlier run of the same settings."""
    c = comparison
    game, seeds, seconds, steps, out = c.game, c.seeds, c.seconds, c.steps, Path(c.out)
    budget = {"max_seconds": seconds, "max_steps": steps}
    jobs = comparison_jobs(game, seeds, budget, c.eval_every_seconds, c.eval_episodes,
                           c.final_episodes, c.final_seed, c.save_agents)
    order = {job.key: i for i, job in enumerate(jobs)}
    finished: dict[str, AgentRun] = {}
    store = ResultStore(out / "jobs.json")
    if parallel.resume:
        store.load(check=AgentRun.from_dict)

    def report(quiet: bool) -> list[AgentRun]:
        runs = [finished[k] for k in sorted(finished, key=order.get)]
        if runs:
            write_report(runs, out, "REINFORCE vs Q-learning", comparison_intro(runs, game, budget),
                         verdict(runs), echo=(lambda line: None) if quiet else echo)
        return runs

    def on_result(job: Job, result: dict) -> None:
        finished[job.key] = AgentRun.from_dict(result)
        report(quiet=True)  # the report so far: nothing finished is lost

    outcome = run_jobs(jobs, on_result, parallel, store=store, echo=echo)
    runs = report(quiet=False)
    for line in stop_lines(outcome, jobs, f"{len(runs)} finished runs in the report in {out}"):
        echo(line)
    return runs, outcome
