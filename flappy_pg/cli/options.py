"""What the commands share: option types that refuse NaN and infinities, options made from a
config's fields, and the option bundles (game, rewards, budgets, run folders, evaluation,
watching).

A bundle is several click options as one decorator; a bundle made `into` a keyword hands the
command one object built from its options (a `GameConfig`, say) instead of the options."""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import click

from flappy_pg.agents.settings import MAX_EVAL_EPISODES, MAX_SCORE_CAP
from flappy_pg.cli.errors import UserError
from flappy_pg.errors import ConfigError
from flappy_pg.game.config import MAX_SEED, GameConfig, RewardConfig
from flappy_pg.runs.folders import ensure_writable_file, ensure_writable_folder
from flappy_pg.runs.jobs import JobSettings


class Finite(click.FloatRange):
    """A float range that refuses NaN and infinities (click's FloatRange takes them)."""

    name = "finite float"

    def _describe_range(self) -> str:
        return "finite" if self.min is None and self.max is None else super()._describe_range()

    def convert(self, value, param, ctx):
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


SEED = click.IntRange(0, MAX_SEED)


def parse_seeds(text: str, option: str = "--seeds") -> tuple[int, ...]:
    """Seeds separated by commas, each in range."""
    try:
        seeds = tuple(int(s) for s in text.split(","))
    except ValueError:
        raise UserError(f"{option} must be whole numbers separated by commas, got {text!r}") from None
    if not all(0 <= s <= MAX_SEED for s in seeds) or len(seeds) > 100:
        raise UserError(f"{option}: at most 100 seeds, each from 0 to {MAX_SEED}")
    twice = sorted({s for s in seeds if seeds.count(s) > 1})
    if twice:
        raise UserError(f"{option}: seed {twice[0]} is given twice; each seed runs once")
    return seeds


def parse_hidden(ctx, param, value: str | None) -> tuple[int, ...] | None:
    if value is None:
        return None
    try:
        sizes = tuple(int(v) for v in value.split(","))
    except ValueError:
        raise click.BadParameter("give layer sizes separated by commas, e.g. 32,32") from None
    from flappy_pg.agents.reinforce.config import MAX_LAYERS, MAX_WIDTH
    if not 1 <= len(sizes) <= MAX_LAYERS or not all(1 <= size <= MAX_WIDTH for size in sizes):
        raise click.BadParameter(f"1 to {MAX_LAYERS} layers of 1 to {MAX_WIDTH} units, e.g. 32,32")
    return sizes


writable_folder = ensure_writable_folder  # a ConfigError becomes one line (friendly_errors)


def writable_file(path: str | None, replace: bool = True) -> Path | None:
    return None if path is None else ensure_writable_file(path, replace)


def given(**values) -> dict:
    """Those of `values` (the command's parameters) that the user set on the command line."""
    ctx = click.get_current_context()
    return {name: value for name, value in values.items()
            if ctx.get_parameter_source(name) is not click.core.ParameterSource.DEFAULT}


def bundle(*decorators, into: str | None = None, build: Callable | None = None):
    """Several click options as one decorator. With `into`, the command receives
    `build(**those options)` as the keyword `into` instead of the options themselves."""
    probe = lambda: None  # noqa: E731 - only collects the options' parameter names
    for decorator in decorators:
        probe = decorator(probe)
    names = [param.name for param in probe.__click_params__]

    def apply(command):
        wrapper = command
        if into is not None:
            @functools.wraps(command)
            def wrapper(*args, **kwargs):
                values = {name: kwargs.pop(name) for name in names}
                try:
                    kwargs[into] = build(**values)
                except ConfigError as error:
                    raise UserError(str(error)) from None
                return command(*args, **kwargs)
        for decorator in reversed(decorators):
            wrapper = decorator(wrapper)
        return wrapper
    return apply


def field_options(config: type, names: list[str], **bundle_args):
    """The click options of the config dataclass's fields `names`, made from each field's
    `setting` (help, range or choices, option name) and default; a bool field is an
    --X/--no-X pair, a tuple of ints a comma-separated list."""
    fields = {f.name: f for f in dataclasses.fields(config)}
    options = []
    for name in names:
        f = fields[name]
        meta, default = f.metadata, f.default
        flag = "--" + (meta["option"] or name).replace("_", "-")
        low, high, low_open, high_open = meta["range"]
        kind = dict(default=default, show_default=meta["show_default"], help=meta["help"])
        if meta["choices"]:
            kind["type"] = click.Choice(meta["choices"])
        elif isinstance(default, bool) and meta["flag"]:
            kind = dict(is_flag=True, help=meta["help"])
        elif isinstance(default, bool):
            flag = f"{flag}/--no-{flag[2:]}"
        elif isinstance(default, int):
            kind["type"] = int if low is None and high is None else click.IntRange(low, high)
        elif isinstance(default, float):
            kind["type"] = Finite(low, high, min_open=low_open, max_open=high_open)
        elif isinstance(default, tuple):
            kind.update(default=",".join(map(str, default)), callback=parse_hidden)
        options.append(click.option(flag, name, **kind))
    return bundle(*options, **bundle_args)


GAME_OPTIONS = ["pipe_gap", "pipe_speed", "pipe_spacing", "pipe_spacing_swing", "gravity",
                "flap_speed", "bird_shape"]
REWARD_OPTIONS = ["alive", "pipe", "death"]
#: The game's options, handed to the command as one `game_config`.
game_options = field_options(GameConfig, GAME_OPTIONS, into="game_config", build=GameConfig)
#: The options of a learner's game and rewards, as field values beside the learner's own.
game_and_reward_settings = bundle(field_options(GameConfig, GAME_OPTIONS),
                                  field_options(RewardConfig, REWARD_OPTIONS))


TARGET_SCORE = 1000.0  # every evaluation game at the cap: --target-score's default


@dataclass(frozen=True)
class Budgets:
    """Every budget (`all`, config fields), and those the user set (`given`), which a resumed
    run takes over its saved ones."""

    all: dict
    given: dict


def _budgets(steps, seconds, target_score) -> Budgets:
    values = {"max_steps": steps, "max_seconds": seconds, "target_score": target_score}
    set_by_user = given(steps=steps, seconds=seconds, target_score=target_score)
    names = {"steps": "max_steps", "seconds": "max_seconds", "target_score": "target_score"}
    return Budgets(values, {names[k]: values[names[k]] for k in set_by_user})


budget_options = bundle(
    click.option("--steps", type=click.IntRange(0, 10**13), default=0,
                 help="Stop after this many env steps (0: no step budget)."),
    click.option("--seconds", type=Finite(min=0), default=600.0, show_default=True,
                 help="Stop after this many seconds of training (0: no time budget)."),
    click.option("--target-score", type=Finite(min=0), default=TARGET_SCORE, show_default=True,
                 help="Stop when the evaluation mean score reaches this; 1000 means every "
                      "evaluation game reached the cap (0: never)."),
    into="budgets", build=_budgets)

#: The options a resumed run may change (the rest are its saved settings).
RUN_OPTIONS = {"out", "runs", "name", "resume", "save_every", "steps", "seconds",
               "target_score", "max_episodes", "snapshots", "watch_window"}


def live_window(watch: bool):
    """With --watch, what starts the training's window (checked now: with no display, one line
    before any training starts)."""
    if not watch:
        return None
    from flappy_pg.app.live import LiveWindow
    LiveWindow.check_display(click.get_current_context().command_path)
    return LiveWindow


def refuse_settings_with_resume(resume) -> None:
    """A resumed run keeps its saved settings: say so instead of ignoring what was given."""
    if resume is None:
        return
    ctx = click.get_current_context()
    set_by_user = [param.opts[0] for param in ctx.command.params
                   if param.name not in RUN_OPTIONS and param.name in ctx.params
                   and ctx.get_parameter_source(param.name) is not click.core.ParameterSource.DEFAULT]
    if set_by_user:
        raise UserError(f"--resume continues the saved run's settings; {', '.join(set_by_user)} "
                        f"cannot change them (only --steps, --seconds, --target-score and the "
                        f"output options apply)")


run_folder_options = bundle(
    click.option("--out", type=click.Path(file_okay=False), default="checkpoints", show_default=True,
                 help="Folder for checkpoints (a subfolder per run)."),
    click.option("--runs", type=click.Path(file_okay=False), default="runs", show_default=True,
                 help="Folder for logs (a subfolder per run)."),
    click.option("--name", default=None,
                 help="Run name, a plain folder name (default: <agent>-<date>-<time>)."),
    click.option("--resume", type=click.Path(dir_okay=False), default=None,
                 help="Continue from a checkpoint: a run's latest continues in its own folder, "
                      "any other file starts a new run from it. Only the budget and output "
                      "options apply then."),
    click.option("--save-every", type=Finite(min=1, max=3600), default=10, show_default=True,
                 help="Wall-clock seconds between saves of the latest checkpoint."),
    click.option("--snapshots/--no-snapshots", default=None,
                 help="Keep a small snapshot of the policy at each evaluation in the run folder, "
                      "for `flappy-pg timelapse` [default: on, off with --obs pixels]."),
    click.option("--watch", "watch_window", is_flag=True,
                 help="Show the training in a window beside it: birds of the newest policy, "
                      "the labels and a live curve (its own process: training does not wait)."))

eval_options = bundle(
    click.option("--episodes", type=click.IntRange(1, MAX_EVAL_EPISODES), default=100,
                 show_default=True),
    click.option("--seed", type=click.IntRange(0, MAX_SEED - MAX_EVAL_EPISODES), default=None,
                 help="Seed of the first evaluation game; game i uses seed + i [default: "
                      "2000000, never used in training or checkpoint selection]."),
    click.option("--max-score", type=click.IntRange(1, MAX_SCORE_CAP), default=1000,
                 show_default=True, help="Episodes stop (as capped) at this many pipes."))

watch_options = bundle(
    click.option("--speed", type=Finite(0.25, 16), default=1, show_default=True,
                 help="Playback speed (Right/Left keys change it while watching)."),
    click.option("--seed", type=SEED, default=None, help="Seed of the pipe heights."),
    click.option("--record", type=click.Path(dir_okay=False), default=None,
                 help="Save what is shown as a GIF or an MP4 video (--record out.mp4)."),
    click.option("--frames", type=click.IntRange(1, 10**7), default=None,
                 help="Stop after this many frames (30 a second); a recording without a display "
                      "keeps 300 unless this is set."),
    click.option("--force", is_flag=True, help="Let --record replace an existing file."))


job_options = field_options(JobSettings, ["workers", "use_ray", "ray_address", "resume"],
                            into="jobs", build=JobSettings.checked)
