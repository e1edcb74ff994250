"""`flappy-pg qlearn`: the tabular Q-learning baseline (train, eval, watch), every option and
default from `QConfig`'s fields."""

from __future__ import annotations

from pathlib import Path

import click

from flappy_pg.agents.qlearning.config import QConfig
from flappy_pg.cli.errors import friendly_errors
from flappy_pg.cli.options import (
    budget_options,
    bundle,
    eval_options,
    field_options,
    game_and_reward_settings,
    given,
    live_window,
    refuse_settings_with_resume,
    run_folder_options,
    watch_options,
    writable_file,
)


@click.group()
def qlearn():
    """The tabular Q-learning baseline: train, evaluate and watch it."""


#: Every option of `qlearn train` that is a training setting: what `sweep --agent qlearn` can
#: vary.
SETTINGS = bundle(
    game_and_reward_settings,
    budget_options,
    field_options(QConfig, ["games"]),
    click.option("--preset", type=click.Choice(["classic"]), default=None,
                 help="classic: the classic bot's whole recipe (one game, greedy, α 0.7, γ 1, uniform "
                      "10-px grid, backward sweeps, +1 alive / -1000 death rewards); options given "
                      "beside it override it. Without it: the strong defaults below."),
    field_options(QConfig, ["grid", "cell", "next_cell", "alpha", "alpha_decay",
                            "rewards_scheme", "max_episodes", "gamma", "epsilon_start",
                            "epsilon_end", "epsilon_steps", "update", "eval_every_steps",
                            "eval_episodes", "seed"]))


@qlearn.command("train")
@SETTINGS
@run_folder_options
@friendly_errors
def qlearn_train(budgets, out, runs, name, resume, save_every, snapshots, watch_window,
                 **options):
    """Train the tabular Q-learning bot headless, with progress, logs and evaluations.
    Ctrl-C or SIGTERM stops after the current update and saves."""
    refuse_settings_with_resume(resume)
    from flappy_pg.agents.configs import learner_config
    from flappy_pg.agents.qlearning.algorithm import QLearner
    from flappy_pg.runs.harness import start_run
    chosen = given(**options)
    overrides = dict(budgets.given)
    if "max_episodes" in chosen:  # a budget: a resumed run takes it too
        overrides["max_episodes"] = chosen["max_episodes"]

    def new_learner():
        return QLearner(learner_config("qlearning", {**budgets.all, **chosen}))

    start_run("qlearn", ".npz", new_learner, QLearner.restore, Path(out), Path(runs), name=name,
              resume=resume, budget_overrides=overrides, echo=click.echo, save_every=save_every,
              snapshots=snapshots, window=live_window(watch_window))


@qlearn.command("eval")
@click.argument("table", type=click.Path(dir_okay=False), required=False)
@eval_options
@friendly_errors
def qlearn_eval(table, episodes, seed, max_score):
    """Evaluate a Q-table (greedy) headless on unseen seeds (default: the shipped table)."""
    from flappy_pg.agents.saved import evaluate_saved
    evaluate_saved(table, "qlearning", episodes, seed, max_score, echo=click.echo,
                   note=lambda line: click.echo(line, err=True))


@qlearn.command("watch")
@click.argument("table", type=click.Path(dir_okay=False), required=False)
@watch_options
@friendly_errors
def qlearn_watch(table, force, **view):
    """Watch the Q-learning bot play in a window (default: the shipped table)."""
    from flappy_pg.app.watch import watch_saved
    writable_file(view["record"], replace=force)
    watch_saved(table, "qlearning", echo=click.echo, **view)
