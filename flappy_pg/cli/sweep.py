"""`flappy-pg sweep`: train over a grid of settings x seeds, as parallel jobs if asked."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import click

from flappy_pg.agents.settings import MAX_EVAL_EPISODES
from flappy_pg.cli.options import (
    Finite,
    UserError,
    friendly_errors,
    job_options,
    parse_seeds,
    writable_folder,
)

MAX_RUNS = 10_000


def settings_command(agent: str) -> click.Command:
    if agent == "reinforce":
        from flappy_pg.cli.train import train_settings
        return train_settings
    from flappy_pg.cli.qlearn import qlearn_train_settings
    return qlearn_train_settings


def parse_set(text: str) -> tuple[str, list[str]]:
    name, sep, values = text.partition("=")
    name = name.strip().lstrip("-")
    items = [v.strip() for v in values.split(",")] if sep else []
    if not name or not items or any(not v for v in items):
        raise UserError(f"--set {text!r}: write NAME=VALUE[,VALUE...], e.g. --set games=128,256")
    twice = [v for i, v in enumerate(items) if v in items[:i]]
    if twice:
        raise UserError(f"--set {name}: the value {twice[0]!r} is given twice; each runs once")
    return name, items


def option_argv(command: click.Command, name: str, value: str) -> list[str]:
    """The command-line words that set option `name` (as `train` spells it, without --) to
    `value`: flags take true/false (`no-X=true` means what `--no-X` means), `hidden` takes its
    layers separated by ':'."""
    for param in command.params:
        if not isinstance(param, click.Option):
            continue
        if f"--{name}" in param.opts or f"--{name}" in param.secondary_opts:
            if param.is_flag and param.secondary_opts:
                on = value.lower() in ("true", "yes", "on", "1")
                if not on and value.lower() not in ("false", "no", "off", "0"):
                    raise UserError(f"--set {name}: takes true or false, got {value!r}")
                if f"--{name}" not in param.opts:  # the negative spelling: true switches it off
                    on = not on
                return [param.opts[0] if on else param.secondary_opts[0]]
            if param.is_flag:
                raise UserError(f"--set {name}: a flag, not a setting to sweep")
            return [param.opts[0], value.replace(":", ",") if name == "hidden" else value]
    owner = command.name.removesuffix("-settings").replace("-", " ")
    raise UserError(f"--set {name}: no such option of `{owner}` (see its --help)")


def build_settings(agent: str, sets: tuple[str, ...], seeds: tuple[int, ...], budget_argv: list[str]):
    """Every grid point's config on every seed, each checked by the same parser and config
    checks as `train` (or `qlearn train`) before any job starts."""
    from flappy_pg.errors import ConfigError
    from flappy_pg.studies.sweep import Setting
    command = settings_command(agent)
    grid = [parse_set(text) for text in sets]
    names = [name for name, _ in grid]
    if len(set(names)) != len(names):
        raise UserError("--set: each option once (give all its values in one --set)")
    budget_names = {"steps", "seconds", "target-score", "seed", "episodes"}
    if budget_names & set(names):
        raise UserError(f"--set {sorted(budget_names & set(names))[0]}: the budget and the seeds "
                        f"are the sweep's own options (--steps, --seconds, --seeds)")
    runs = math.prod(len(values) for _, values in grid) * len(seeds)
    if runs > MAX_RUNS:  # counted before the grid is built: a huge grid never fills the memory
        raise UserError(f"the grid has {runs:,} runs; at most {MAX_RUNS:,}")
    combos = list(itertools.product(*(values for _, values in grid)))
    settings = []
    for combo in combos:
        argv = [word for name, value in zip(names, combo)
                for word in option_argv(command, name, value)] + budget_argv
        configs = []
        for seed in seeds:
            try:
                config = command.main([*argv, "--seed", str(seed)], prog_name="sweep",
                                      standalone_mode=False)
            except click.UsageError as error:
                where = " ".join(f"{n}={v}" for n, v in zip(names, combo))
                raise UserError(f"--set {where}: {error.format_message()}") from None
            except ConfigError as error:
                where = " ".join(f"{n}={v}" for n, v in zip(names, combo))
                raise UserError(f"--set {where}: {error}") from None
            configs.append((seed, config.to_dict()))
        settings.append(Setting(tuple(zip(names, combo)), tuple(configs)))
    return settings


@click.command()
@click.option("--agent", type=click.Choice(["reinforce", "qlearn"]), default="reinforce",
              show_default=True, help="The learner to sweep.")
@click.option("--set", "sets", multiple=True, metavar="NAME=V1,V2",
              help="An option of `train` (or `qlearn train`) and its values, e.g. --set "
                   "games=128,256 --set baseline=mean,value; flags take true,false; hidden layers "
                   "are separated by ':' (--set hidden=32:32,64:64). Repeat for a grid.")
@click.option("--seeds", default="0,1,2", show_default=True, help="Training seeds, comma-separated.")
@click.option("--steps", type=click.IntRange(0, 10**13), default=0,
              help="Env steps per run (0: none). A step budget gives the same figures alone, in "
                   "parallel and on Ray; a time budget depends on the CPU each job gets.")
@click.option("--seconds", type=Finite(min=0), default=0.0,
              help="Training seconds per run (0: none).")
@click.option("--final-episodes", type=click.IntRange(1, MAX_EVAL_EPISODES), default=100,
              show_default=True, help="Final evaluation games per run (the same for all).")
@click.option("--out", type=click.Path(file_okay=False), default="reports/sweep",
              show_default=True, help="Report folder.")
@job_options
@friendly_errors
def sweep(agent, sets, seeds, steps, seconds, final_episodes, out, jobs):
    """Train over a grid of settings x seeds and compare them on the same unseen games: a results
    CSV (one row per setting and seed), a summary in Markdown and HTML, the curves per setting
    with bands over the seeds, and the fastest setting to a mean of 100. Every value is checked
    before any job starts; each run is one job (--jobs, --ray); Ctrl-C or SIGTERM keeps every
    finished run (--resume runs only the missing ones)."""
    from flappy_pg.studies.sweep import run_sweep
    if not steps and not seconds:
        raise UserError("give a budget per run: --steps or --seconds")
    seed_list = parse_seeds(seeds)
    budget_argv = ["--steps", str(steps), "--seconds", f"{seconds:g}"]
    kind = "reinforce" if agent == "reinforce" else "qlearning"
    settings = build_settings(agent, sets, seed_list, budget_argv)
    folder = writable_folder(out)
    runs, outcome = run_sweep(kind, settings, {"max_steps": steps, "max_seconds": seconds},
                              Path(folder), final_episodes=final_episodes, parallel=jobs,
                              echo=click.echo)
    if outcome.exit_status():
        raise SystemExit(outcome.exit_status())
