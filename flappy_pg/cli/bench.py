"""`flappy-pg bench`: benchmarks that print measured figures."""

from __future__ import annotations

import math

import click

from flappy_pg.agents.settings import MAX_EVAL_EPISODES, MAX_SCORE_CAP
from flappy_pg.cli.errors import UserError, friendly_errors
from flappy_pg.cli.options import (
    SEED,
    Finite,
    job_options,
    parse_seeds,
    writable_file,
    writable_folder,
)
from flappy_pg.game.config import SEED_HELP


@click.group()
def bench():
    """Benchmarks that print measured figures (speed of the simulation, learning)."""


@bench.command("env")
@click.option("--steps", type=click.IntRange(1000, 100_000_000), default=300_000, show_default=True,
              help="Steps timed per single-env figure (the vector env runs 40x more).")
@click.option("--seed", type=SEED, default=0, show_default=True, help=SEED_HELP)
@friendly_errors
def bench_env(steps, seed):
    """Steps/s of one game through gymnasium.make (features and pixels), of the vector env at 1,
    64, 1024 and 4096 games beside a bare numpy step of the same game (the yardstick), pixel
    frames/s of the vector env, rgb_array frames/s; and flappy-bird-gymnasium's when installed."""
    from flappy_pg.studies.bench import figure_lines, run_env_benchmark
    figures = run_env_benchmark(steps=steps, seed=seed, progress=lambda m: click.echo(m, err=True))
    for line in figure_lines(figures):
        click.echo(line)


@bench.command("train")
@click.option("--seeds", default="0,1,2,3,4", show_default=True, help="Training seeds, comma-separated.")
@click.option("--marks", default="60,120,300,600", show_default=True,
              help="Training seconds at which a row is printed, comma-separated; the last ends "
                   "each seed's run.")
@click.option("--check-every", type=Finite(0, 3600), default=10, show_default=True,
              help="Training seconds between the evaluations that find when each target was "
                   "first reached (0: only at the marks). Each evaluates the policy as it stood "
                   "then: after the last update that ended within that time.")
@click.option("--episodes", type=click.IntRange(1, MAX_EVAL_EPISODES), default=100,
              show_default=True, help="Evaluation episodes per check.")
@click.option("--max-score", type=click.IntRange(1, MAX_SCORE_CAP), default=1000, show_default=True)
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), default=None,
              help="Also write the rows at the marks to this CSV file.")
@click.option("--save-policies", type=click.Path(file_okay=False), default=None,
              help="Also save each seed's final policy in this folder (reinforce-seed0.pt, ...).")
@click.option("--obs", type=click.Choice(["features", "pixels"]), default="features",
              show_default=True,
              help="Train's defaults for this observation; pixels: the targets are a mean of 10 "
                   "within 300 s and 99% capped within 900 s.")
@job_options
@friendly_errors
def bench_train(seeds, marks, check_every, episodes, max_score, csv_path, save_policies, obs,
                jobs):
    """Learning speed of `flappy-pg train`'s defaults on several seeds: the evaluation at given
    training times, and per seed the time and env steps to an evaluation mean of 100 and to 99%
    of games at the cap (targets: a mean of 100 within 30 s and 99% capped within 120 s, on
    every seed). Each seed is one job (--jobs, --ray); the CSV is rewritten as each finishes, and
    Ctrl-C or SIGTERM keeps every finished seed (--resume, with the same --csv, runs the rest)."""
    from flappy_pg.studies.bench import (
        TARGETS,
        LearningBench,
        row_lines,
        run_training_benchmark,
        target_lines,
        yardstick_lines,
    )
    seed_list = parse_seeds(seeds)
    try:
        mark_list = tuple(float(m) for m in marks.split(","))
    except ValueError:
        raise UserError("--marks takes seconds separated by commas") from None
    if not all(math.isfinite(m) and 0 < m <= 86_400 for m in mark_list):
        raise UserError("--marks: each mark must be a number of seconds in (0, 86400]")
    if jobs.resume and not csv_path:
        raise UserError("--resume needs the --csv of the run to continue (its finished seeds "
                        "are kept beside it)")
    writable_file(csv_path)
    save_folder = writable_folder(save_policies) if save_policies else None
    target, mean_within, capped_within = TARGETS[obs]
    bench = LearningBench(seed_list, mark_list, episodes, max_score, check_every, target,
                          obs=obs, save_folder=save_folder, csv_path=csv_path)
    rows, results, outcome = run_training_benchmark(
        bench, jobs, progress=lambda m: click.echo(m, err=True))
    for line in [*row_lines(rows), *target_lines(results, target, 0.99, mean_within=mean_within,
                                                 capped_within=capped_within,
                                                 budget=max(mark_list)),
                 *yardstick_lines(results)]:
        click.echo(line)
    if outcome.exit_status():
        raise SystemExit(outcome.exit_status())


@bench.command("gradlab")
@click.option("--repeats", type=click.IntRange(1, 100), default=3, show_default=True,
              help="Timed runs; the median is reported.")
@friendly_errors
def bench_gradlab(repeats):
    """Wall time of `flappy-pg gradlab --quick` (the shipped policies, written to a temporary
    folder), against its budget of 15 s."""
    from flappy_pg.studies.bench import time_gradlab_quick
    median = time_gradlab_quick(repeats, progress=lambda m: click.echo(m, err=True))
    verdict = "within" if median <= 15 else "over"
    click.echo(f"gradlab --quick: median {median:.1f} s over {repeats} runs "
               f"({verdict} its budget of 15 s)")
