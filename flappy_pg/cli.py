"""The `flappy-pg` command line: parses options and calls the modules that do the work."""

from __future__ import annotations

import functools
import os

import click

from flappy_pg.config import ConfigError, GameConfig


class UserError(click.ClickException):
    """Bad input: shown as one line, exit status 1, no traceback."""


def friendly_errors(command):
    """Turn the errors a user can cause into one-line messages."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from flappy_pg.errors import USER_ERRORS
        try:
            return command(*args, **kwargs)
        except USER_ERRORS as error:
            raise UserError(str(error)) from None
    return wrapper


def game_options(command):
    """Difficulty options mirroring `GameConfig`; the command receives `game_config`."""
    defaults = GameConfig()
    options = [
        click.option("--gap", "pipe_gap", type=int, default=defaults.pipe_gap, show_default=True,
                     help="Height of the gap between pipes, in pixels."),
        click.option("--pipe-speed", type=int, default=defaults.pipe_speed, show_default=True,
                     help="Pixels the pipes move left per frame."),
        click.option("--pipe-spacing", type=int, default=defaults.pipe_spacing, show_default=True,
                     help="Horizontal distance between pipes, in pixels."),
        click.option("--gravity", type=float, default=defaults.gravity, show_default=True,
                     help="Speed the bird gains per frame while falling."),
        click.option("--flap-speed", type=float, default=defaults.flap_speed, show_default=True,
                     help="Vertical speed a flap sets (negative is up)."),
    ]

    @functools.wraps(command)
    def wrapper(*args, pipe_gap, pipe_speed, pipe_spacing, gravity, flap_speed, **kwargs):
        try:
            config = GameConfig(pipe_gap=pipe_gap, pipe_speed=pipe_speed, pipe_spacing=pipe_spacing,
                                gravity=gravity, flap_speed=flap_speed)
        except ConfigError as error:
            raise UserError(str(error)) from None
        return command(*args, game_config=config, **kwargs)

    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="flappy-pg")
def main():
    """Flappy Bird learned by REINFORCE (Monte Carlo policy gradient), with a tabular Q-learning
    baseline. Train headless, watch the agent, play yourself, compare, benchmark."""
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


@main.group()
def bench():
    """Benchmarks that print measured figures (speed of the simulation, learning)."""


@bench.command("env")
@click.option("--steps", type=click.IntRange(min=1000), default=300_000, show_default=True,
              help="Steps timed per single-env figure (the vector env runs 20x more).")
@click.option("--seed", type=int, default=0, show_default=True)
@friendly_errors
def bench_env(steps, seed):
    """Steps/s of one game through gymnasium.make, of the vector env at 1, 64 and 1024 games,
    and rgb_array frames/s; the same for flappy-bird-gymnasium when it is installed."""
    from flappy_pg.bench import ratios, run_env_benchmark
    figures = run_env_benchmark(steps=steps, seed=seed, progress=lambda m: click.echo(m, err=True))
    width = max(len(f.name) for f in figures)
    for f in figures:
        click.echo(f"{f.name:<{width}}  {f.rate:>14,.0f} {f.unit}")
    for line in ratios(figures):
        click.echo(line)


@main.command()
@game_options
@click.option("--mute", is_flag=True, help="No sounds.")
@click.option("--record", type=click.Path(dir_okay=False), default=None,
              help="Save what is played as an animated GIF (e.g. --record play.gif).")
@click.option("--seed", type=int, default=None, help="Seed of the pipe heights (random if unset).")
@friendly_errors
def play(game_config, mute, record, seed):
    """Play Flappy Bird yourself: Space, Up or left click to flap, R or Space to play again after
    a crash, Esc to quit. Best scores are kept between runs."""
    from flappy_pg.play import run_play
    best = run_play(game_config, seed=seed, muted=mute, record=record)
    click.echo(f"best score: {best}")
