"""`flappy-pg train`: REINFORCE headless, every default from `TrainConfig`."""

from __future__ import annotations

from pathlib import Path

import click

from flappy_pg.agents.reinforce.config import (
    MAX_BATCH_STEPS,
    MAX_MIN_DEATHS,
    PIXEL_DEFAULTS,
    PIXEL_NETS,
    TrainConfig,
)
from flappy_pg.agents.settings import MAX_EVAL_EPISODES, MAX_GAMES, MAX_SCORE_CAP
from flappy_pg.cli.options import (
    SEED,
    SEED_HELP,
    Finite,
    budget_options,
    bundle,
    friendly_errors,
    game_options,
    given,
    live_window,
    parse_hidden,
    refuse_settings_with_resume,
    reward_options,
    run_folder_options,
)

DEFAULTS = TrainConfig()
#: CLI names of settings whose config field is named otherwise.
FIELDS = {"normalize": "normalize_advantages", "threads": "torch_threads"}
OPTION_OF = {field: option for option, field in FIELDS.items()}
PIXEL_HELP = ", ".join(f"--{OPTION_OF.get(name, name).replace('_', '-')} "
                       f"{','.join(map(str, value)) if isinstance(value, tuple) else value:}"
                       for name, value in PIXEL_DEFAULTS.items())


SETTINGS = bundle(
    game_options,
    reward_options,
    budget_options,
    click.option("--obs", type=click.Choice(["features", "pixels"]), default=DEFAULTS.obs,
                 show_default=True,
                 help="What the policy sees: the 8 features (an MLP), or pixels: the 64 x 36 frame "
                      f"a step ago and now (then {PIXEL_HELP} unless given)."),
    click.option("--pixel-net", type=click.Choice(PIXEL_NETS), default=DEFAULTS.pixel_net,
                 help="With --obs pixels, the policy: mlp (the bird's and the next pipe's columns "
                      "of the frame pair through an MLP; the pixel default) or cnn (two "
                      "convolutions over the whole pair)."),
    click.option("--games", type=click.IntRange(1, MAX_GAMES), default=DEFAULTS.games, show_default=True,
                 help="Games played in parallel; each plays one complete episode per round."),
    click.option("--batch-steps", type=click.IntRange(0, MAX_BATCH_STEPS), default=DEFAULTS.batch_steps,
                 show_default=True,
                 help="Play more rounds until a batch holds at least this many steps."),
    click.option("--min-deaths", type=click.IntRange(0, MAX_MIN_DEATHS), default=DEFAULTS.min_deaths,
                 show_default=True,
                 help="Play more rounds until the batch holds this many crashes (see --max-rounds): "
                      "batches grow as deaths get rare."),
    click.option("--max-rounds", type=click.IntRange(1, 1024), default=DEFAULTS.max_rounds,
                 show_default=True, help="Most rounds per batch that --min-deaths may play."),
    click.option("--lr-half-life-steps", type=click.IntRange(0, 10**13),
                 default=DEFAULTS.lr_half_life_steps, show_default=True,
                 help="The policy's learning rate halves every this many env steps (0: constant)."),
    click.option("--returns", type=click.Choice(["reward-to-go", "full"]), default=DEFAULTS.returns,
                 show_default=True,
                 help="Credit each step with the discounted reward-to-go, or the whole episode's return."),
    click.option("--gamma", type=Finite(0, 1, min_open=True), default=DEFAULTS.gamma,
                 show_default=True, help="Discount factor."),
    click.option("--baseline", type=click.Choice(["none", "mean", "value"]), default=DEFAULTS.baseline,
                 show_default=True, help="Baseline subtracted from the returns."),
    click.option("--normalize/--no-normalize", default=DEFAULTS.normalize_advantages,
                 show_default=True,
                 help="Normalize advantages over the whole batch."),
    click.option("--entropy-coef", type=Finite(0, 100), default=DEFAULTS.entropy_coef,
                 show_default=True, help="Entropy bonus."),
    click.option("--entropy-floor", type=Finite(0, 1), default=DEFAULTS.entropy_floor,
                 show_default=True,
                 help="The entropy bonus acts only on batches whose mean entropy is below this "
                      "(0: on every batch)."),
    click.option("--lr", type=Finite(0, 1, min_open=True), default=DEFAULTS.lr, show_default=True,
                 help="Policy learning rate (Adam)."),
    click.option("--max-grad-norm", type=Finite(min=0), default=DEFAULTS.max_grad_norm,
                 show_default=True,
                 help="Clip the policy gradient's norm (0: no clipping)."),
    click.option("--hidden", callback=parse_hidden, default=",".join(map(str, DEFAULTS.hidden)),
                 show_default=True,
                 help="Hidden layer sizes, e.g. 32,32."),
    click.option("--train-max-score", type=click.IntRange(1, MAX_SCORE_CAP), default=DEFAULTS.train_max_score,
                 show_default=True,
                 help="Training episodes are truncated at this many pipes."),
    click.option("--truncated-tail", type=click.IntRange(0, MAX_BATCH_STEPS),
                 default=DEFAULTS.truncated_tail, show_default=True,
                 help="Steps at the end of a truncated training episode left out of the update: the "
                      "cap cuts their Monte Carlo return short."),
    click.option("--extreme-gap-share", type=Finite(0, 1, max_open=True),
                 default=DEFAULTS.extreme_gap_share, show_default=True,
                 help="Share of training pipes put at the top or bottom of the gap range, so that "
                      "big drops show up more often (evaluations play the real game)."),
    click.option("--eval-every-steps", type=click.IntRange(0, 10**12), default=DEFAULTS.eval_every_steps,
                 show_default=True,
                 help="Evaluate each time the env-step count passes a multiple of this (0: only at "
                      "the end); a step count, so the same seed picks the same best checkpoint."),
    click.option("--eval-episodes", type=click.IntRange(1, MAX_EVAL_EPISODES), default=DEFAULTS.eval_episodes,
                 show_default=True, help="Episodes per evaluation."),
    click.option("--seed", type=SEED, default=0, show_default=True, help=SEED_HELP),
    click.option("--threads", type=click.IntRange(1, 1024), default=DEFAULTS.torch_threads,
                 show_default=True, help="Torch threads."))
"""Every option of `train` that is a training setting (the run-folder options are not): what
`sweep` can vary."""


@click.command()
@SETTINGS
@run_folder_options
@friendly_errors
def train(game_config, reward_config, budgets, seed, out, runs, name, resume, save_every,
          snapshots, watch_window, **options):
    """Train the REINFORCE agent headless, with progress, logs, evaluations and checkpoints.
    Ctrl-C or SIGTERM stops after the current update and saves."""
    refuse_settings_with_resume(resume)
    from flappy_pg.agents.reinforce.trainer import Trainer
    from flappy_pg.runs.harness import start_run

    def new_trainer():
        return Trainer(settings_config(game_config, reward_config, budgets, seed, **options))

    start_run("reinforce", ".pt", new_trainer, Trainer.restore, Path(out), Path(runs), name=name,
              resume=resume, budget_overrides=budgets.given, echo=click.echo,
              save_every=save_every, snapshots=snapshots, window=live_window(watch_window))


def settings_config(game_config, reward_config, budgets, seed, **options) -> TrainConfig:
    """The TrainConfig that `train` with these options would train (the options the user did
    not set take the config's defaults, or the pixel defaults with --obs pixels)."""
    from flappy_pg.agents.reinforce.footprint import check_fits_memory
    chosen = {FIELDS.get(k, k): v for k, v in given(**options).items()}
    obs = chosen.pop("obs", DEFAULTS.obs)
    config = TrainConfig.for_obs(obs, seed=seed, game=game_config, rewards=reward_config,
                                 **budgets.all, **chosen)
    check_fits_memory(config)
    return config


@click.command("train-settings")
@SETTINGS
def train_settings(**options) -> TrainConfig:
    """The config of `train` with these options, without training (what `sweep` runs)."""
    return settings_config(**options)
