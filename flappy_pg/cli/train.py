"""`flappy-pg train`: REINFORCE headless, every option and default from `TrainConfig`'s fields."""

from __future__ import annotations

from pathlib import Path

import click

from flappy_pg.agents.reinforce.config import TrainConfig
from flappy_pg.cli.errors import friendly_errors
from flappy_pg.cli.options import (
    budget_options,
    bundle,
    field_options,
    game_and_reward_settings,
    given,
    live_window,
    refuse_settings_with_resume,
    run_folder_options,
)

#: Every option of `train` that is a training setting (the run-folder options are not): what
#: `sweep` can vary.
SETTINGS = bundle(game_and_reward_settings, budget_options, field_options(TrainConfig, [
    "obs", "pixel_net", "games", "batch_steps", "min_deaths", "max_rounds", "lr_half_life_steps",
    "returns", "gamma", "baseline", "normalize_advantages", "entropy_coef", "entropy_floor", "lr",
    "max_grad_norm", "hidden", "train_max_score", "truncated_tail", "extreme_gap_share",
    "update_share", "hold_games", "hold_lr", "hold_share", "replay_share", "replay_pipes",
    "eval_every_steps", "eval_episodes", "seed", "torch_threads"]))


@click.command()
@SETTINGS
@run_folder_options
@friendly_errors
def train(budgets, out, runs, name, resume, save_every, snapshots, watch_window, **options):
    """Train the REINFORCE agent headless, with progress, logs, evaluations and checkpoints.
    Ctrl-C or SIGTERM stops after the current update and saves."""
    refuse_settings_with_resume(resume)
    from flappy_pg.agents.configs import learner_config
    from flappy_pg.agents.reinforce.trainer import Trainer
    from flappy_pg.runs.harness import start_run

    def new_trainer():
        return Trainer(learner_config("reinforce", {**budgets.all, **given(**options)}))

    start_run("reinforce", ".pt", new_trainer, Trainer.restore, Path(out), Path(runs), name=name,
              resume=resume, budget_overrides=budgets.given, echo=click.echo,
              save_every=save_every, snapshots=snapshots, window=live_window(watch_window))
