"""`flappy-pg sweep`: train over a grid of settings x seeds, as parallel jobs if asked."""

from __future__ import annotations

from pathlib import Path

import click

from flappy_pg.agents.settings import MAX_EVAL_EPISODES
from flappy_pg.cli.errors import UserError, friendly_errors
from flappy_pg.cli.options import (
    RUN_OPTIONS,
    TARGET_SCORE,
    Finite,
    job_options,
    parse_seeds,
    writable_folder,
)
from flappy_pg.errors import ConfigError

BUDGET_NAMES = {"steps", "seconds", "target-score", "seed", "episodes"}


def parse_set(text: str) -> tuple[str, list[str]]:
    name, sep, values = text.partition("=")
    name = name.strip().lstrip("-")
    items = [v.strip() for v in values.split(",")] if sep else []
    if not name or not items or any(not v for v in items):
        raise UserError(f"--set {text!r}: write NAME=VALUE[,VALUE...], e.g. --set games=128,256")
    twice = [v for i, v in enumerate(items) if v in items[:i]]
    if twice:
        raise UserError(f"--set {name}: the value {twice[0]!r} is given twice; each runs once")
    if name in BUDGET_NAMES:
        raise UserError(f"--set {name}: the budget and the seeds are the sweep's own options "
                        f"(--steps, --seconds, --seeds)")
    return name, items


def setting_parser(command: click.Command, owner: str):
    """What `--set NAME=VALUE` sets, parsed as `command` parses `--NAME VALUE` (its settings
    only, not its run's folders or budgets): flags take
    true/false (`no-X=true` means what `--no-X` means), `hidden` its layers separated by ':'."""
    def setting_of(name: str, value: str) -> tuple[str, object]:
        param = next((p for p in command.params if isinstance(p, click.Option) and
                      p.name not in RUN_OPTIONS and f"--{name}" in (*p.opts, *p.secondary_opts)),
                     None)
        if param is None:
            raise UserError(f"--set {name}: no such option of `{owner}` (see its --help)")
        if param.is_flag and param.secondary_opts:
            on = value.lower() in ("true", "yes", "on", "1")
            if not on and value.lower() not in ("false", "no", "off", "0"):
                raise UserError(f"--set {name}: takes true or false, got {value!r}")
            return param.name, on if f"--{name}" in param.opts else not on
        if param.is_flag:
            raise UserError(f"--set {name}: a flag, not a setting to sweep")
        ctx = click.Context(command)
        try:
            parsed = param.type_cast_value(ctx, value.replace(":", ",") if name == "hidden" else value)
            return param.name, param.callback(ctx, param, parsed) if param.callback else parsed
        except click.BadParameter as error:
            raise ConfigError(error.format_message()) from None
    return setting_of


def build_settings(agent: str, sets: tuple[str, ...], seeds: tuple[int, ...], budget: dict):
    """Every grid point's config on every seed, each checked by the same parsing and config
    checks as `train` (or `qlearn train`) before any job starts."""
    from flappy_pg.studies.sweep import grid_settings
    grid = [parse_set(text) for text in sets]
    if len({name for name, _ in grid}) != len(grid):
        raise UserError("--set: each option once (give all its values in one --set)")
    if agent == "reinforce":
        from flappy_pg.cli.train import train as command
    else:
        from flappy_pg.cli.qlearn import qlearn_train as command
    kind, owner = ("reinforce", "train") if agent == "reinforce" else ("qlearning", "qlearn train")
    return grid_settings(kind, grid, seeds, {**budget, "target_score": TARGET_SCORE},
                         setting_parser(command, owner))


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
    budget = {"max_steps": steps, "max_seconds": seconds}
    settings = build_settings(agent, sets, parse_seeds(seeds), budget)
    folder = writable_folder(out)
    kind = "reinforce" if agent == "reinforce" else "qlearning"
    _, outcome = run_sweep(kind, settings, budget, Path(folder), final_episodes=final_episodes,
                           parallel=jobs, echo=click.echo)
    if outcome.exit_status():
        raise SystemExit(outcome.exit_status())
