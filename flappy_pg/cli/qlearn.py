"""`flappy-pg qlearn`: the tabular Q-learning baseline (train, eval, watch), every default from
`QConfig`."""

from __future__ import annotations

from pathlib import Path

import click

from flappy_pg.agents.qlearning.config import GRIDS, REWARDS, UPDATES, QConfig
from flappy_pg.agents.settings import MAX_EVAL_EPISODES, MAX_GAMES
from flappy_pg.cli.options import (
    SEED,
    SEED_HELP,
    Finite,
    budget_options,
    bundle,
    eval_options,
    friendly_errors,
    game_options,
    given,
    live_window,
    refuse_settings_with_resume,
    reward_options,
    run_folder_options,
    watch_options,
    writable_file,
)

Q = QConfig()


@click.group()
def qlearn():
    """The tabular Q-learning baseline: train, evaluate and watch it."""


SETTINGS = bundle(
    game_options,
    reward_options,
    budget_options,
    click.option("--games", type=click.IntRange(1, MAX_GAMES), default=Q.games, show_default=True,
                 help="Games played in parallel, all learning into one table (one: the classic "
                      "bot's setting, on a faster path)."),
    click.option("--preset", type=click.Choice(["classic"]), default=None,
                 help="classic: the classic bot's whole recipe (one game, greedy, α 0.7, γ 1, uniform "
                      "10-px grid, backward sweeps, +1 alive / -1000 death rewards); options given "
                      "beside it override it. Without it: the strong defaults below."),
    click.option("--grid", type=click.Choice(GRIDS), default=Q.grid,
                 show_default=True,
                 help="focused: --cell bins near the pipe and the gap, coarse bins elsewhere; "
                      "uniform: --cell bins everywhere (the classic bots' grid)."),
    click.option("--cell", type=click.IntRange(1, 1000), default=Q.cell, show_default=True,
                 help="Pixels per distance bin (where the focused grid is fine)."),
    click.option("--next-cell", type=click.IntRange(0, 1000), default=Q.next_cell, show_default=True,
                 help="Pixels per bin of how far the gap after next lies above or below the next "
                      "one (0: not in the state)."),
    click.option("--alpha", type=Finite(0, 1, min_open=True), default=Q.alpha, show_default=True,
                 help="Learning rate α."),
    click.option("--alpha-decay", type=Finite(min=0), default=Q.alpha_decay, show_default=True,
                 help="k > 0: α / (1 + n/k) after n visits of a state-action pair (0: constant α)."),
    click.option("--rewards-scheme", type=click.Choice(REWARDS),
                 default=Q.rewards_scheme, show_default=True,
                 help="crash: -1 on a crash, 0 otherwise; env: the env's rewards (see the reward "
                      "options); classic: the classic bot's (+1 per frame, -1000 on a death's last "
                      "two frames and on the last flap before an upper-pipe crash; backward "
                      "updates only)."),
    click.option("--episodes", "max_episodes", type=click.IntRange(0, 10**12), default=Q.max_episodes,
                 help="Stop after this many training episodes (0: no episode budget)."),
    click.option("--gamma", type=Finite(0, 1, min_open=True), default=Q.gamma, show_default=True,
                 help="Discount factor γ."),
    click.option("--epsilon-start", type=Finite(0, 1), default=Q.epsilon_start, show_default=True,
                 help="Initial ε."),
    click.option("--epsilon-end", type=Finite(0, 1), default=Q.epsilon_end, show_default=True, help="Final ε."),
    click.option("--epsilon-steps", type=click.IntRange(1, 10**13), default=Q.epsilon_steps,
                 show_default=True, help="Env steps over which ε decays linearly."),
    click.option("--update", type=click.Choice(UPDATES), default=Q.update,
                 show_default=True,
                 help="Online at every step, or backwards over each finished episode (classic)."),
    click.option("--eval-every-steps", type=click.IntRange(0, 10**12), default=Q.eval_every_steps,
                 show_default=True,
                 help="Evaluate each time the env-step count passes a multiple of this."),
    click.option("--eval-episodes", type=click.IntRange(1, MAX_EVAL_EPISODES), default=Q.eval_episodes,
                 show_default=True, help="Episodes per evaluation."),
    click.option("--seed", type=SEED, default=0, show_default=True, help=SEED_HELP))
"""Every option of `qlearn train` that is a training setting: what `sweep --agent qlearn` can
vary."""


@qlearn.command("train")
@SETTINGS
@run_folder_options
@friendly_errors
def qlearn_train(game_config, reward_config, budgets, seed, out, runs, name, resume, save_every,
                 snapshots, watch_window, preset, **options):
    """Train the tabular Q-learning bot headless, with progress, logs and evaluations.
    Ctrl-C or SIGTERM stops after the current update and saves."""
    refuse_settings_with_resume(resume)
    from flappy_pg.agents.qlearning.algorithm import QLearner
    from flappy_pg.runs.harness import start_run
    overrides = dict(budgets.given)
    if "max_episodes" in given(**options):  # a budget: a resumed run takes it too
        overrides["max_episodes"] = options["max_episodes"]

    def new_learner():
        return QLearner(settings_config(game_config, reward_config, budgets, seed, preset,
                                        **options))

    start_run("qlearn", ".npz", new_learner, QLearner.restore, Path(out), Path(runs), name=name,
              resume=resume, budget_overrides=overrides, echo=click.echo, save_every=save_every,
              snapshots=snapshots, window=live_window(watch_window))


def settings_config(game_config, reward_config, budgets, seed, preset, **options) -> QConfig:
    """The QConfig that `qlearn train` with these options would train."""
    make = QConfig.classic if preset == "classic" else QConfig
    return make(seed=seed, game=game_config, rewards=reward_config, **budgets.all,
                **given(**options))


@click.command("qlearn-train-settings")
@SETTINGS
def qlearn_train_settings(**options) -> QConfig:
    """The config of `qlearn train` with these options, without training (what `sweep` runs)."""
    return settings_config(**options)


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
