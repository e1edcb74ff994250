"""`flappy-pg eval` and `flappy-pg watch`: a REINFORCE checkpoint on unseen games, or in a window."""

from __future__ import annotations

import click

from flappy_pg.cli.options import (
    eval_options,
    evaluate_saved,
    friendly_errors,
    watch_options,
    watch_saved,
)


@click.command("eval")
@click.argument("checkpoint", type=click.Path(dir_okay=False), required=False)
@eval_options
@click.option("--greedy/--sample", default=True, show_default=True,
              help="Take the most likely action, or sample from the policy.")
@friendly_errors
def eval_command(checkpoint, episodes, seed, max_score, greedy):
    """Evaluate a REINFORCE checkpoint headless on unseen seeds (default: the shipped policy)."""
    evaluate_saved(checkpoint, "reinforce", episodes, seed, max_score, greedy)


@click.command()
@click.argument("checkpoint", type=click.Path(dir_okay=False), required=False)
@watch_options
@click.option("--greedy/--sample", default=True, show_default=True,
              help="Take the most likely action, or sample from the policy.")
@friendly_errors
def watch(checkpoint, greedy, **view):
    """Watch the REINFORCE agent play in a window (default: the shipped pre-trained policy)."""
    watch_saved(checkpoint, "reinforce", greedy=greedy, **view)
