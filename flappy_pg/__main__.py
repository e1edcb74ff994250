"""`python -m flappy_pg` runs the `flappy-pg` command line."""

from flappy_pg.cli import run

run()
