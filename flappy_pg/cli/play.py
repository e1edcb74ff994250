"""`flappy-pg play`: the game for a person, in a window."""

from __future__ import annotations

from pathlib import Path

import click

from flappy_pg.agents.saved import SHIPPED_NAMES
from flappy_pg.cli.errors import UserError, friendly_errors
from flappy_pg.cli.options import SEED, game_options, writable_file
from flappy_pg.game.config import GameConfig


@click.command()
@game_options
@click.option("--mute", is_flag=True, help="No sounds.")
@click.option("--record", type=click.Path(dir_okay=False), default=None,
              help="Save what is played as a GIF or an MP4 video (--record play.mp4; MP4 needs "
                   "pip install 'flappy-pg[video]').")
@click.option("--seed", type=SEED, default=None, help="Seed of the pipe heights (random if unset).")
@click.option("--frames", type=click.IntRange(1, 10**7), default=None,
              help="Stop after this many frames (30 a second); a recording without a display "
                   "keeps 300 unless this is set.")
@click.option("--force", is_flag=True, help="Let --record replace an existing file.")
@click.option("--against", default=None, metavar="AGENT",
              help="Race an agent's ghost on the same pipes: reinforce, pixels or qlearn (the "
                   "shipped agents), or a checkpoint or Q-table file. It plays on the agent's game.")
@friendly_errors
def play(game_config, mute, record, seed, frames, force, against):
    """Play Flappy Bird yourself: Space, Up or left click to flap, R or Space to play again after
    a crash, Esc to quit. Best scores are kept between runs (against each agent apart)."""
    from flappy_pg.app.play import run_play
    writable_file(record, replace=force)
    ghost, against_id = None, None
    if against is not None:
        from flappy_pg.app.race import racers_of
        (ghost,), agent_game = racers_of((against,), True, seed,
                                         note=lambda line: click.echo(line, err=True))
        if game_config not in (GameConfig(), agent_game):
            raise UserError("--against plays on the agent's own game: leave out the game options")
        game_config = agent_game
        against_id = against if against in SHIPPED_NAMES else str(Path(against).resolve())
    best = run_play(game_config, seed=seed, muted=mute, record=record, max_frames=frames,
                    echo=click.echo, against=ghost, against_id=against_id)
    click.echo(f"best score: {best}")
