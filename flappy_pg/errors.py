"""The errors a user's input can cause, which the CLI reports as one line."""

import gymnasium as gym

from flappy_pg.config import ConfigError

USER_ERRORS = (ConfigError, gym.error.InvalidAction, FileNotFoundError)
