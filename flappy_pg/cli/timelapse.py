"""`flappy-pg timelapse`: a run's snapshots playing one after another, from falling to flying."""

from __future__ import annotations

import click

from flappy_pg.cli.errors import friendly_errors
from flappy_pg.cli.options import SEED, Finite, writable_file


@click.command()
@click.argument("run", type=click.Path(file_okay=False))
@click.option("--record", type=click.Path(dir_okay=False), default=None,
              help="Save it as a GIF or an MP4 video (needed on a machine without a display).")
@click.option("--force", is_flag=True, help="Let --record replace an existing file.")
@click.option("--seed", type=SEED, default=0, show_default=True,
              help="Seed of the pipes, the same for every snapshot.")
@click.option("--snapshots", "count", type=click.IntRange(2, 100), default=8, show_default=True,
              help="Snapshots shown, evenly spread over the run (first and last included).")
@click.option("--frames-each", type=click.IntRange(10, 100_000), default=150, show_default=True,
              help="Frames shown per snapshot at most (30 a second).")
@click.option("--speed", type=click.IntRange(1, 16), default=2, show_default=True,
              help="Game frames per frame shown.")
@click.option("--scale", type=Finite(0.25, 1), default=1, show_default=True,
              help="A GIF's frames at this share of the screen's size (smaller files).")
@friendly_errors
def timelapse(run, record, force, seed, count, frames_each, speed, scale):
    """Play one round of each snapshot a run kept at its evaluations (runs/<name>/snapshots/),
    greedy, on the same pipes, labelled with env steps, training time and that evaluation's
    mean: the learning itself. In a window, or recorded with --record."""
    from flappy_pg.app.timelapse import run_timelapse
    writable_file(record, replace=force)
    run_timelapse(run, record, seed=seed, count=count, frames_each=frames_each, speed=speed,
                  scale=scale, echo=click.echo)
