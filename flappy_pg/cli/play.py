"""`flappy-pg play`: the game for a person, in a window."""

from __future__ import annotations

import click

from flappy_pg.cli.options import SEED, friendly_errors, game_options, writable_file


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
@friendly_errors
def play(game_config, mute, record, seed, frames, force):
    """Play Flappy Bird yourself: Space, Up or left click to flap, R or Space to play again after
    a crash, Esc to quit. Best scores are kept between runs."""
    from flappy_pg.app.play import run_play
    writable_file(record, replace=force)
    best = run_play(game_config, seed=seed, muted=mute, record=record, max_frames=frames,
                    echo=click.echo)
    click.echo(f"best score: {best}")
