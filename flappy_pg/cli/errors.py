"""How the command line reports what went wrong: bad input as one line and a non-zero exit
status (`UserError`, `friendly_errors` around each command, `OneLineErrors` for the group),
never a traceback."""

from __future__ import annotations

import functools
import sys

import click


class UserError(click.ClickException):
    """Bad input: shown as one line, exit status 1, no traceback."""


def friendly_errors(command):
    """Turn the errors a user can cause into one-line messages."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from flappy_pg.errors import USER_ERRORS
        from flappy_pg.files import os_message
        from flappy_pg.render.devices import NoDisplayError, no_display_message
        try:
            return command(*args, **kwargs)
        except USER_ERRORS as error:
            raise UserError(str(error)) from None
        except NoDisplayError:
            where = click.get_current_context().command_path
            raise UserError(no_display_message(where)) from None
        except MemoryError:
            raise UserError("out of memory: use fewer games, episodes or smaller layers") from None
        except OSError as error:
            where = f" ({error.filename})" if error.filename else ""
            raise UserError(f"{os_message(error)}{where}") from None
    return wrapper


class OneLineErrors(click.Group):
    """Reports a bad option or argument in one line (click would add the usage text)."""

    def main(self, *args, standalone_mode: bool = True, **kwargs):
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            return super().main(*args, standalone_mode=False, **kwargs)
        except KeyboardInterrupt:  # a Ctrl-C that no command caught (before or between runs)
            click.echo("Aborted!", err=True)
            sys.exit(130)
        except click.UsageError as error:
            click.echo(f"Error: {error.format_message()}", err=True)
            sys.exit(error.exit_code)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)
