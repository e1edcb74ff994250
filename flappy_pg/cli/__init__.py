"""The `flappy-pg` command line. Each command parses its options, makes one library call and
prints; one module per command or group, the shared options in `options`. Torch and pygame are
imported only inside the commands that need them, so `flappy-pg --help` stays fast."""

from __future__ import annotations

import signal

import click

from flappy_pg.cli.agent import eval_command, watch
from flappy_pg.cli.bench import bench
from flappy_pg.cli.compare import compare
from flappy_pg.cli.errors import OneLineErrors
from flappy_pg.cli.gradlab import gradlab
from flappy_pg.cli.play import play
from flappy_pg.cli.plot import plot
from flappy_pg.cli.qlearn import qlearn
from flappy_pg.cli.sweep import sweep
from flappy_pg.cli.timelapse import timelapse
from flappy_pg.cli.train import train


@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="flappy-pg")
def main():
    """Flappy Bird learned by REINFORCE (Monte Carlo policy gradient), with a tabular Q-learning
    baseline. Train headless, watch the agent, play yourself, compare, sweep settings, plot runs,
    benchmark."""


for command in (bench, play, train, eval_command, watch, qlearn, compare, sweep, gradlab, plot,
                timelapse):
    main.add_command(command)


def run() -> None:
    """The `flappy-pg` program: the command line, then an exit that a late Ctrl-C (a second
    press while a command stops) cannot interrupt: during the interpreter's shutdown it would
    print a library's traceback instead of the command's last line."""
    try:
        main(prog_name="flappy-pg")
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
