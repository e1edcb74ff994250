"""`flappy-pg plot`: the curves of one run, or of several overlaid."""

from __future__ import annotations

import click

from flappy_pg.cli.errors import friendly_errors
from flappy_pg.cli.options import writable_file


@click.command()
@click.argument("runs", nargs=-1, required=True, type=click.Path(file_okay=False))
@click.option("--out", type=click.Path(dir_okay=False), default="plot.png", show_default=True,
              help="The PNG file to write (replaced if it exists).")
@friendly_errors
def plot(runs, out):
    """Plot training runs from their run folders (runs/<name>/): one run as its four panels
    (evaluation and batch scores, share at the cap, entropy), several overlaid with a legend of
    their names and the settings that differ. Against env steps and training seconds."""
    from flappy_pg.runs.plots import plot_run, plot_runs
    if not out.lower().endswith(".png"):
        raise click.UsageError(f"--out must be a .png file, got {out!r}")
    path = writable_file(out)
    written = plot_run(runs[0], path) if len(runs) == 1 else plot_runs(list(runs), path)
    click.echo(f"wrote {written}")
