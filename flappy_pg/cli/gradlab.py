"""`flappy-pg gradlab`: the log-derivative trick measured on the real game."""

from __future__ import annotations

import click

from flappy_pg.cli.errors import UserError, friendly_errors
from flappy_pg.cli.options import SEED, field_options, writable_folder
from flappy_pg.game.config import SEED_HELP
from flappy_pg.studies.gradlab.sizes import LabSizes


@click.command()
@click.argument("checkpoint", type=click.Path(dir_okay=False), required=False)
@click.option("--fresh", is_flag=True, help="Use a new, untrained policy instead of a checkpoint.")
@field_options(LabSizes, ["horizon", "repeats", "batches", "episodes", "max_score", "pool",
                         "reference", "curve_max_score"], into="sizes", build=LabSizes)
@click.option("--quick", is_flag=True,
              help="Tiny sizes everywhere: a smoke test of the whole pipeline, about 7 s on an "
                   "idle 2-core machine and longer on a busy one (`flappy-pg bench gradlab` "
                   "times it); its report says so, and its figures are too noisy to read.")
@click.option("--seed", type=SEED, default=0, show_default=True, help=SEED_HELP)
@click.option("--out", type=click.Path(file_okay=False), default="reports/gradlab",
              show_default=True, help="Folder for the tables and plots.")
@friendly_errors
def gradlab(checkpoint, fresh, sizes, quick, seed, out):
    """The log-derivative trick measured: exact gradient vs score-function estimates on an
    enumerable short game; each estimator's variance on the real game; and, for each estimator,
    the cosine similarity to a reference gradient and between independent estimates against the
    batch size (default: the shipped policy from 20 s into training and the shipped trained one)."""
    from flappy_pg.studies.gradlab.report import lab_policies, run_gradlab
    if fresh and checkpoint:
        raise UserError("give either --fresh or a checkpoint, not both")
    folder = writable_folder(out)
    if quick:
        click.echo("--quick: a smoke test of the whole pipeline with tiny sizes; its figures are "
                   "too noisy to read (run without --quick, about 10 min, for figures to trust)")
    run_gradlab(lab_policies(checkpoint, fresh, seed), sizes.smallest() if quick else sizes, seed,
                folder, echo=click.echo)
