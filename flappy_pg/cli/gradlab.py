"""`flappy-pg gradlab`: the log-derivative trick measured on the real game."""

from __future__ import annotations

import click

from flappy_pg.game.config import SEED_HELP
from flappy_pg.cli.options import SEED, UserError, friendly_errors, writable_folder


@click.command()
@click.argument("checkpoint", type=click.Path(dir_okay=False), required=False)
@click.option("--fresh", is_flag=True, help="Use a new, untrained policy instead of a checkpoint.")
@click.option("--horizon", type=click.IntRange(2, 14), default=10, show_default=True,
              help="Frames of the enumerated short game (2^horizon trajectories).")
@click.option("--repeats", type=click.IntRange(2, 10_000), default=50, show_default=True,
              help="Monte Carlo estimates per sample size N.")
@click.option("--batches", type=click.IntRange(2, 10_000), default=30, show_default=True,
              help="Independent batches on the real game.")
@click.option("--episodes", type=click.IntRange(2, 100_000), default=32, show_default=True,
              help="Episodes per batch on the real game.")
@click.option("--max-score", type=click.IntRange(1, 10_000), default=2, show_default=True,
              help="Real-game episodes of the variance table are capped at this many pipes.")
@click.option("--pool", type=click.IntRange(16, 65_536), default=8192, show_default=True,
              help="Cosine curves: episodes whose per-episode gradients are resampled into "
                   "batches (the largest batch is half of it).")
@click.option("--reference", type=click.IntRange(16, 1_000_000), default=16_384, show_default=True,
              help="Cosine curves: fewest episodes of the reference gradient (more, up to 65,536, "
                   "until its estimated error is at most 20% of its norm).")
@click.option("--curve-max-score", type=click.IntRange(1, 10_000), default=100, show_default=True,
              help="Cosine curves: episodes are capped here (training's cap).")
@click.option("--quick", is_flag=True,
              help="Tiny sizes everywhere: a smoke test of the whole pipeline, about 7 s on an "
                   "idle 2-core machine and longer on a busy one (`flappy-pg bench gradlab` "
                   "times it); its report says so, and its figures are too noisy to read.")
@click.option("--seed", type=SEED, default=0, show_default=True, help=SEED_HELP)
@click.option("--out", type=click.Path(file_okay=False), default="reports/gradlab",
              show_default=True, help="Folder for the tables and plots.")
@friendly_errors
def gradlab(checkpoint, fresh, horizon, repeats, batches, episodes, max_score, pool, reference,
            curve_max_score, quick, seed, out):
    """The log-derivative trick measured: exact gradient vs score-function estimates on an
    enumerable short game; each estimator's variance on the real game; and, for each estimator,
    the cosine similarity to a reference gradient and between independent estimates against the
    batch size (default: the shipped policy from 20 s into training and the shipped trained one)."""
    from flappy_pg.studies.gradlab.report import LabSizes, lab_policies, run_gradlab
    if fresh and checkpoint:
        raise UserError("give either --fresh or a checkpoint, not both")
    folder = writable_folder(out)
    sizes = LabSizes(horizon, repeats, batches, episodes, max_score, pool, reference,
                     curve_max_score)
    if quick:
        click.echo("--quick: a smoke test of the whole pipeline with tiny sizes; its figures are "
                   "too noisy to read (run without --quick, about 10 min, for figures to trust)")
    run_gradlab(lab_policies(checkpoint, fresh, seed), sizes.smallest() if quick else sizes, seed,
                folder, echo=click.echo)
