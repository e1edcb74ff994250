"""The errors a user's input can cause, which the CLI reports as one line."""

import gymnasium as gym

from flappy_pg.config import ConfigError


class CheckpointError(Exception):
    """A checkpoint or saved table that cannot be used; the message is one line for the user."""


USER_ERRORS = (ConfigError, CheckpointError, gym.error.InvalidAction, FileNotFoundError)
