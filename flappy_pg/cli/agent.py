"""`flappy-pg eval` and `flappy-pg watch`: a REINFORCE checkpoint on unseen games, or in a window."""

from __future__ import annotations

import click

from flappy_pg.agents.saved import SHIPPED_NAMES
from flappy_pg.cli.errors import UserError, friendly_errors
from flappy_pg.cli.options import eval_options, watch_options, writable_file


def note(line: str) -> None:
    click.echo(line, err=True)


@click.command("eval")
@click.argument("checkpoint", type=click.Path(dir_okay=False), required=False)
@eval_options
@click.option("--greedy/--sample", default=True, show_default=True,
              help="Take the most likely action, or sample from the policy.")
@friendly_errors
def eval_command(checkpoint, episodes, seed, max_score, greedy):
    """Evaluate a REINFORCE checkpoint headless on unseen seeds (default: the shipped policy)."""
    from flappy_pg.agents.saved import evaluate_saved
    evaluate_saved(checkpoint, "reinforce", episodes, seed, max_score, greedy, click.echo, note)


@click.command()
@click.argument("agents", nargs=-1, metavar="[AGENT ...]")
@watch_options
@click.option("--greedy/--sample", default=True, show_default=True,
              help="Take the most likely action, or sample from the policy.")
@click.option("--max-score", type=click.IntRange(1, 10**7), default=None,
              help="With several agents: a round also ends when every bird still flying has "
                   "this many pipes.")
@click.option("--show-input", is_flag=True,
              help="Start with a pixel policy's input shown (the F key toggles it).")
@friendly_errors
def watch(agents, greedy, max_score, show_input, force, **view):
    """Watch the REINFORCE agent play in a window (default: the shipped pre-trained policy).

    With several AGENTs they race on the same pipes in one window, round after round: each
    AGENT is `reinforce`, `pixels` or `qlearn` (the shipped agents; `pixels` learned from the
    screen), or a checkpoint or Q-table file. One
    AGENT, a checkpoint, is watched alone as before."""
    writable_file(view["record"], replace=force)
    if len(agents) <= 1:
        if max_score is not None:
            raise UserError("--max-score ends the rounds of a race: give two or more agents")
        spec = agents[0] if agents else None
        kind, path = SHIPPED_NAMES.get(spec, ("reinforce", spec))
        from flappy_pg.app.watch import watch_saved
        watch_saved(path, kind, greedy=greedy, show_input=show_input, echo=click.echo, **view)
        return
    from flappy_pg.app.race import race_saved
    race_saved(agents, greedy, max_score, echo=click.echo, note=note, **view)
