"""The errors a user's input can cause, which the CLI reports as one line."""

import gymnasium as gym


class ConfigError(ValueError):
    """An invalid setting (of a game, rewards, a learner or an output path)."""


class CheckpointError(Exception):
    """A checkpoint or saved table that cannot be used; the message is one line for the user."""


USER_ERRORS = (ConfigError, CheckpointError, gym.error.InvalidAction, FileNotFoundError)
