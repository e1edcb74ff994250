"""The `flappy-pg` command line: parses options and calls the modules that do the work."""

from __future__ import annotations

import functools
import math
import os
import sys
from pathlib import Path

import click

from flappy_pg.config import BIRD_SHAPES, MAX_SEED, ConfigError, GameConfig, RewardConfig
from flappy_pg.train_config import MAX_EVAL_EPISODES, MAX_SCORE_CAP, TrainConfig


class UserError(click.ClickException):
    """Bad input: shown as one line, exit status 1, no traceback."""


def friendly_errors(command):
    """Turn the errors a user can cause into one-line messages."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from flappy_pg.errors import USER_ERRORS
        from flappy_pg.runfolder import os_message
        try:
            return command(*args, **kwargs)
        except USER_ERRORS as error:
            raise UserError(str(error)) from None
        except MemoryError:
            raise UserError("out of memory: use fewer games, episodes or smaller layers") from None
        except OSError as error:
            where = f" ({error.filename})" if error.filename else ""
            raise UserError(f"{os_message(error)}{where}") from None
    return wrapper


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
SEED_HELP = f"Random seed, 0 to {MAX_SEED}."


def parse_seeds(text: str, option: str = "--seeds") -> tuple[int, ...]:
    """Seeds separated by commas, each in range."""
    try:
        seeds = tuple(int(s) for s in text.split(","))
    except ValueError:
        raise UserError(f"{option} must be whole numbers separated by commas, got {text!r}") from None
    if not all(0 <= s <= MAX_SEED for s in seeds) or len(seeds) > 100:
        raise UserError(f"{option}: at most 100 seeds, each from 0 to {MAX_SEED}")
    return seeds


def writable_folder(path: str) -> Path:
    from flappy_pg.runfolder import ensure_writable_folder
    try:
        return ensure_writable_folder(path)
    except ConfigError as error:
        raise UserError(str(error)) from None


def writable_file(path: str | None) -> Path | None:
    from flappy_pg.runfolder import ensure_writable_file
    try:
        return None if path is None else ensure_writable_file(path)
    except ConfigError as error:
        raise UserError(str(error)) from None


def options(*decorators):
    """Several click options as one decorator."""
    def apply(command):
        for decorator in reversed(decorators):
            command = decorator(command)
        return command
    return apply


def game_options(command):
    """Difficulty options mirroring `GameConfig`; the command receives `game_config`."""
    defaults = GameConfig()
    options = [
        click.option("--gap", "pipe_gap", type=int, default=defaults.pipe_gap, show_default=True,
                     help="Height of the gap between pipes, in pixels."),
        click.option("--pipe-speed", type=int, default=defaults.pipe_speed, show_default=True,
                     help="Pixels the pipes move left per frame."),
        click.option("--pipe-spacing", type=int, default=defaults.pipe_spacing, show_default=True,
                     help="Horizontal distance between pipes, in pixels (their mean, with a swing)."),
        click.option("--pipe-spacing-swing", type=int, default=defaults.pipe_spacing_swing,
                     show_default=True,
                     help="Pipes lie alternately spacing - swing and spacing + swing apart (the "
                          "original game: --pipe-spacing 148 --pipe-spacing-swing 4)."),
        click.option("--gravity", type=Finite(), default=defaults.gravity, show_default=True,
                     help="Speed the bird gains per frame while falling."),
        click.option("--flap-speed", type=Finite(), default=defaults.flap_speed, show_default=True,
                     help="Vertical speed a flap sets (negative is up)."),
        click.option("--bird-shape", type=click.Choice(BIRD_SHAPES), default=defaults.bird_shape,
                     show_default=True,
                     help="What crashes into a pipe: the bird's whole box, or only the sprite's "
                          "opaque pixels (as the original game tests its sprite's mask)."),
    ]

    @functools.wraps(command)
    def wrapper(*args, pipe_gap, pipe_speed, pipe_spacing, pipe_spacing_swing, gravity, flap_speed,
                bird_shape, **kwargs):
        try:
            config = GameConfig(pipe_gap=pipe_gap, pipe_speed=pipe_speed, pipe_spacing=pipe_spacing,
                                pipe_spacing_swing=pipe_spacing_swing, gravity=gravity,
                                flap_speed=flap_speed, bird_shape=bird_shape)
        except ConfigError as error:
            raise UserError(str(error)) from None
        return command(*args, game_config=config, **kwargs)

    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


class OneLineErrors(click.Group):
    """Reports a bad option or argument in one line (click would add the usage text)."""

    def main(self, *args, standalone_mode: bool = True, **kwargs):
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            return super().main(*args, standalone_mode=False, **kwargs)
        except click.UsageError as error:
            click.echo(f"Error: {error.format_message()}", err=True)
            sys.exit(error.exit_code)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)


@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="flappy-pg")
def main():
    """Flappy Bird learned by REINFORCE (Monte Carlo policy gradient), with a tabular Q-learning
    baseline. Train headless, watch the agent, play yourself, compare, benchmark."""
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


@main.group()
def bench():
    """Benchmarks that print measured figures (speed of the simulation, learning)."""


@bench.command("env")
@click.option("--steps", type=click.IntRange(1000, 100_000_000), default=300_000, show_default=True,
              help="Steps timed per single-env figure (the vector env runs 40x more).")
@click.option("--seed", type=SEED, default=0, show_default=True, help=SEED_HELP)
@friendly_errors
def bench_env(steps, seed):
    """Steps/s of one game through gymnasium.make (features and pixels), of the vector env at 1,
    64, 1024 and 4096 games beside a bare numpy step of the same game (the yardstick), pixel
    frames/s of the vector env, rgb_array frames/s; and flappy-bird-gymnasium's when installed."""
    from flappy_pg.bench import ratios, run_env_benchmark
    figures = run_env_benchmark(steps=steps, seed=seed, progress=lambda m: click.echo(m, err=True))
    width = max(len(f.name) for f in figures)
    for f in figures:
        click.echo(f"{f.name:<{width}}  {f.rate:>14,.0f} {f.unit}")
    for line in ratios(figures):
        click.echo(line)


@main.command()
@game_options
@click.option("--mute", is_flag=True, help="No sounds.")
@click.option("--record", type=click.Path(dir_okay=False), default=None,
              help="Save what is played as a GIF or an MP4 video (--record play.mp4; MP4 needs "
                   "pip install 'flappy-pg[video]').")
@click.option("--seed", type=SEED, default=None, help="Seed of the pipe heights (random if unset).")
@friendly_errors
def play(game_config, mute, record, seed):
    """Play Flappy Bird yourself: Space, Up or left click to flap, R or Space to play again after
    a crash, Esc to quit. Best scores are kept between runs."""
    from flappy_pg.play import run_play
    writable_file(record)
    best = run_play(game_config, seed=seed, muted=mute, record=record, echo=click.echo)
    click.echo(f"best score: {best}")


def reward_options(command):
    """Reward options mirroring `RewardConfig`; the command receives `reward_config`."""
    defaults = RewardConfig()
    options = [
        click.option("--reward-alive", type=Finite(), default=defaults.alive, show_default=True,
                     help="Reward per frame alive."),
        click.option("--reward-pipe", type=Finite(), default=defaults.pipe, show_default=True,
                     help="Reward per pipe passed."),
        click.option("--reward-death", type=Finite(), default=defaults.death, show_default=True,
                     help="Reward on the crash frame (instead of the others)."),
    ]

    @functools.wraps(command)
    def wrapper(*args, reward_alive, reward_pipe, reward_death, **kwargs):
        try:
            rewards = RewardConfig(alive=reward_alive, pipe=reward_pipe, death=reward_death)
        except ConfigError as error:
            raise UserError(str(error)) from None
        return command(*args, reward_config=rewards, **kwargs)

    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def parse_hidden(ctx, param, value: str | None) -> tuple[int, ...] | None:
    if value is None:
        return None
    try:
        sizes = tuple(int(v) for v in value.split(","))
    except ValueError:
        raise click.BadParameter("give layer sizes separated by commas, e.g. 32,32") from None
    if not 1 <= len(sizes) <= 8 or not all(1 <= size <= 4096 for size in sizes):
        raise click.BadParameter("1 to 8 layers of 1 to 4096 units, e.g. 32,32")
    return sizes


BUDGET_OPTIONS = {"steps": "max_steps", "seconds": "max_seconds", "target_score": "target_score"}


def budget_options(command):
    """--steps, --seconds, --target-score; the command receives `budgets` (all of them) and
    `given_budgets` (those the user set, which a resumed run takes over its saved ones)."""
    @functools.wraps(command)
    def wrapper(*args, steps, seconds, target_score, **kwargs):
        budgets = {"max_steps": steps, "max_seconds": seconds, "target_score": target_score}
        ctx = click.get_current_context()
        given = {field: budgets[field] for key, field in BUDGET_OPTIONS.items()
                 if ctx.get_parameter_source(key) is not click.core.ParameterSource.DEFAULT}
        return command(*args, budgets=budgets, given_budgets=given, **kwargs)

    return options(
        click.option("--steps", type=click.IntRange(0, 10**13), default=0,
                     help="Stop after this many env steps (0: no step budget)."),
        click.option("--seconds", type=Finite(min=0), default=600.0, show_default=True,
                     help="Stop after this many seconds of training (0: no time budget)."),
        click.option("--target-score", type=Finite(min=0), default=1000.0, show_default=True,
                     help="Stop when the evaluation mean score reaches this; 1000 means every "
                          "evaluation game reached the cap (0: never)."),
    )(wrapper)


TRAIN_DEFAULTS = TrainConfig()
# `train --obs pixels` takes these unless given (a batch of frames is 600 times the features).
PIXEL_DEFAULTS = {"games": 64, "train_max_score": 30, "lr": 1e-3, "hidden": (64,),
                  "baseline": "mean", "entropy_coef": 0.0}  # as measured (experiments/pixels_*)


RUN_OPTIONS = {"out", "runs", "name", "resume", "save_every", "steps", "seconds",
               "target_score", "max_episodes"}


def refuse_settings_with_resume(resume) -> None:
    """A resumed run keeps its saved settings: say so instead of ignoring what was given."""
    if resume is None:
        return
    ctx = click.get_current_context()
    given = [param.opts[0] for param in ctx.command.params
             if param.name not in RUN_OPTIONS and param.name in ctx.params
             and ctx.get_parameter_source(param.name) is not click.core.ParameterSource.DEFAULT]
    if given:
        raise UserError(f"--resume continues the saved run's settings; {', '.join(given)} cannot "
                        f"change them (only --steps, --seconds, --target-score and the output "
                        f"options apply)")


run_folder_options = options(
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
                 help="Wall-clock seconds between saves of the latest checkpoint."))


@main.command()
@game_options
@reward_options
@budget_options
@click.option("--obs", type=click.Choice(["features", "pixels"]), default=TRAIN_DEFAULTS.obs,
              show_default=True,
              help="What the policy sees: the 8 features (an MLP), or pixels: the 64 x 36 frame "
                   "a step ago and now (a CNN; then --games 64, --train-max-score 30, --lr 0.001, "
                   "--hidden 64 and --baseline mean unless given).")
@click.option("--games", type=click.IntRange(1, 65_536), default=TRAIN_DEFAULTS.games, show_default=True,
              help="Games played in parallel; each plays one complete episode per round.")
@click.option("--batch-steps", type=click.IntRange(0, 100_000_000), default=TRAIN_DEFAULTS.batch_steps,
              show_default=True,
              help="Play more rounds until a batch holds at least this many steps.")
@click.option("--min-deaths", type=click.IntRange(0, 4_194_304), default=TRAIN_DEFAULTS.min_deaths,
              show_default=True,
              help="Play more rounds until the batch holds this many crashes (see --max-rounds): "
                   "batches grow as deaths get rare.")
@click.option("--max-rounds", type=click.IntRange(1, 1024), default=TRAIN_DEFAULTS.max_rounds,
              show_default=True, help="Most rounds per batch that --min-deaths may play.")
@click.option("--lr-half-life-steps", type=click.IntRange(0, 10**13),
              default=TRAIN_DEFAULTS.lr_half_life_steps, show_default=True,
              help="The policy's learning rate halves every this many env steps (0: constant).")
@click.option("--returns", type=click.Choice(["reward-to-go", "full"]), default=TRAIN_DEFAULTS.returns,
              show_default=True,
              help="Credit each step with the discounted reward-to-go, or the whole episode's return.")
@click.option("--gamma", type=Finite(0, 1, min_open=True), default=TRAIN_DEFAULTS.gamma,
              show_default=True, help="Discount factor.")
@click.option("--baseline", type=click.Choice(["none", "mean", "value"]), default=TRAIN_DEFAULTS.baseline,
              show_default=True, help="Baseline subtracted from the returns.")
@click.option("--normalize/--no-normalize", default=TRAIN_DEFAULTS.normalize_advantages,
              show_default=True,
              help="Normalize advantages over the whole batch.")
@click.option("--entropy-coef", type=Finite(0, 100), default=TRAIN_DEFAULTS.entropy_coef,
              show_default=True, help="Entropy bonus.")
@click.option("--entropy-floor", type=Finite(0, 1), default=TRAIN_DEFAULTS.entropy_floor,
              show_default=True,
              help="The entropy bonus acts only on batches whose mean entropy is below this "
                   "(0: on every batch).")
@click.option("--lr", type=Finite(0, 1, min_open=True), default=TRAIN_DEFAULTS.lr, show_default=True,
              help="Policy learning rate (Adam).")
@click.option("--max-grad-norm", type=Finite(min=0), default=TRAIN_DEFAULTS.max_grad_norm,
              show_default=True,
              help="Clip the policy gradient's norm (0: no clipping).")
@click.option("--hidden", callback=parse_hidden, default="32,32", show_default=True,
              help="Hidden layer sizes, e.g. 32,32.")
@click.option("--train-max-score", type=click.IntRange(1, MAX_SCORE_CAP), default=TRAIN_DEFAULTS.train_max_score,
              show_default=True,
              help="Training episodes are truncated at this many pipes.")
@click.option("--truncated-tail", type=click.IntRange(0, 100_000_000),
              default=TRAIN_DEFAULTS.truncated_tail, show_default=True,
              help="Steps at the end of a truncated training episode left out of the update: the "
                   "cap cuts their Monte Carlo return short.")
@click.option("--extreme-gap-share", type=Finite(0, 1, max_open=True),
              default=TRAIN_DEFAULTS.extreme_gap_share, show_default=True,
              help="Share of training pipes put at the top or bottom of the gap range, so that "
                   "big drops show up more often (evaluations play the real game).")
@click.option("--eval-every-steps", type=click.IntRange(0, 10**12), default=TRAIN_DEFAULTS.eval_every_steps,
              show_default=True,
              help="Evaluate each time the env-step count passes a multiple of this (0: only at "
                   "the end); a step count, so the same seed picks the same best checkpoint.")
@click.option("--eval-episodes", type=click.IntRange(1, MAX_EVAL_EPISODES), default=TRAIN_DEFAULTS.eval_episodes,
              show_default=True, help="Episodes per evaluation.")
@click.option("--seed", type=SEED, default=0, show_default=True, help=SEED_HELP)
@click.option("--threads", type=click.IntRange(1, 1024), default=TRAIN_DEFAULTS.torch_threads,
              show_default=True, help="Torch threads.")
@run_folder_options
@friendly_errors
def train(game_config, reward_config, budgets, given_budgets, seed, out, runs, name, resume,
          save_every, **options):
    """Train the REINFORCE agent headless, with progress, logs, evaluations and checkpoints.
    Ctrl-C or SIGTERM stops after the current update and saves."""
    refuse_settings_with_resume(resume)
    from flappy_pg.checkpoint import load_checkpoint, restore_trainer
    from flappy_pg.reinforce import Trainer
    from flappy_pg.training import start_run
    names = {"normalize": "normalize_advantages", "threads": "torch_threads"}
    if options["obs"] == "pixels":  # defaults that fit a CNN and a batch of frames in memory
        ctx = click.get_current_context()
        for option, value in PIXEL_DEFAULTS.items():
            if ctx.get_parameter_source(option) is click.core.ParameterSource.DEFAULT:
                options[option] = value
    chosen = {names.get(k, k): v for k, v in options.items()}

    def new_trainer():
        return Trainer(TrainConfig(seed=seed, game=game_config.to_dict(),
                                   rewards=reward_config.to_dict(), **budgets, **chosen))

    start_run("reinforce", ".pt", new_trainer,
              lambda path, overrides: restore_trainer(load_checkpoint(path), path, **overrides),
              Path(out), Path(runs), name=name, resume=resume, budget_overrides=given_budgets,
              echo=click.echo, save_every=save_every)

eval_options = options(
    click.option("--episodes", type=click.IntRange(1, MAX_EVAL_EPISODES), default=100,
                 show_default=True),
    click.option("--seed", type=click.IntRange(0, MAX_SEED - MAX_EVAL_EPISODES), default=None,
                 help="Seed of the first evaluation game; game i uses seed + i [default: "
                      "2000000, never used in training or checkpoint selection]."),
    click.option("--max-score", type=click.IntRange(1, MAX_SCORE_CAP), default=1000,
                 show_default=True, help="Episodes stop (as capped) at this many pipes."))

watch_options = options(
    click.option("--speed", type=Finite(0.25, 16), default=1, show_default=True,
                 help="Playback speed (Right/Left keys change it while watching)."),
    click.option("--seed", type=SEED, default=None, help="Seed of the pipe heights."),
    click.option("--record", type=click.Path(dir_okay=False), default=None,
                 help="Save what is shown as a GIF or an MP4 video (--record out.mp4)."))


def evaluate_and_print(act, config, path, episodes, seed, max_score, mode: str,
                       obs_type: str = "features") -> None:
    from flappy_pg.evaluate import TEST_SEED, evaluate
    seed = TEST_SEED if seed is None else seed
    click.echo(f"evaluating {path} ({mode}, seeds {seed}...{seed + episodes - 1})", err=True)
    click.echo(evaluate(act, config, episodes=episodes, seed=seed, max_score=max_score,
                        obs_type=obs_type).line())


def load_reinforce(checkpoint: str | None, default=None):
    """(policy, game config, path, obs_type) of a checkpoint, or of a shipped one (the trained
    policy unless `default` names another)."""
    from flappy_pg.checkpoint import load_policy
    from flappy_pg.paths import PRETRAINED_POLICY
    from flappy_pg.reinforce import TrainConfig
    path = checkpoint or default or PRETRAINED_POLICY
    policy, payload = load_policy(path)
    config = TrainConfig.from_dict(payload["train_config"])
    return policy, config.game_config, path, config.obs_type


def load_qlearn(table: str | None):
    """(Q, binning, game config, path) of a table, or of the shipped one."""
    from flappy_pg.paths import PRETRAINED_QTABLE
    from flappy_pg.qlearning import Binning, load_table
    path = table or PRETRAINED_QTABLE
    q, config, _ = load_table(path)
    return q, Binning(config.game_config, **config.binning_settings), config.game_config, path


def report_scores(scores: list[int]) -> None:
    if scores:
        click.echo(f"{len(scores)} episodes, scores: {scores}")


def policy_agent(policy, greedy: bool, seed: int | None):
    """(action, flap probability) for one observation, from a REINFORCE policy."""
    import numpy as np
    from flappy_pg.policy import actor_for
    actor, rng = actor_for(policy), np.random.default_rng(seed)

    def agent(observation):
        p = float(actor.flap_probability(observation[None])[0])
        return (int(p > 0.5) if greedy else int(rng.random() < p)), p
    return agent


@main.command("eval")
@click.argument("checkpoint", type=click.Path(dir_okay=False), required=False)
@eval_options
@click.option("--greedy/--sample", default=True, show_default=True,
              help="Take the most likely action, or sample from the policy.")
@friendly_errors
def eval_command(checkpoint, episodes, seed, max_score, greedy):
    """Evaluate a REINFORCE checkpoint headless on unseen seeds (default: the shipped policy)."""
    import numpy as np
    from flappy_pg.evaluate import TEST_SEED
    from flappy_pg.reinforce import policy_actor
    policy, config, path, obs_type = load_reinforce(checkpoint)
    # --sample draws its actions from a generator seeded like the games: the same run twice
    # gives the same scores.
    act = policy_actor(policy, np.random.default_rng(TEST_SEED if seed is None else seed),
                       greedy=greedy)
    evaluate_and_print(act, config, path, episodes, seed, max_score,
                       "greedy actions" if greedy else "sampled actions", obs_type)


@main.command()
@click.argument("checkpoint", type=click.Path(dir_okay=False), required=False)
@watch_options
@click.option("--greedy/--sample", default=True, show_default=True,
              help="Take the most likely action, or sample from the policy.")
@friendly_errors
def watch(checkpoint, speed, seed, record, greedy):
    """Watch the REINFORCE agent play in a window (default: the shipped pre-trained policy)."""
    from flappy_pg.watch import run_watch
    writable_file(record)
    policy, config, path, obs_type = load_reinforce(checkpoint)
    report_scores(run_watch(policy_agent(policy, greedy, seed), config,
                            label="REINFORCE", source=Path(path).name, seed=seed, speed=speed,
                            record=record, echo=click.echo, obs_type=obs_type))


@main.group()
def qlearn():
    """The tabular Q-learning baseline: train, evaluate and watch it."""


@qlearn.command("train")
@game_options
@reward_options
@budget_options
@click.option("--games", type=click.IntRange(1, 65_536), default=256, show_default=True,
              help="Games played in parallel, all learning into one table (one: the classic "
                   "bot's setting, on a faster path).")
@click.option("--preset", type=click.Choice(["classic"]), default=None,
              help="classic: the classic bot's whole recipe (one game, greedy, α 0.7, γ 1, uniform "
                   "10-px grid, backward sweeps, +1 alive / -1000 death rewards); options given "
                   "beside it override it. Without it: the strong defaults below.")
@click.option("--grid", type=click.Choice(["focused", "uniform"]), default="focused",
              show_default=True,
              help="focused: --cell-px bins near the pipe and the gap, coarse bins elsewhere; "
                   "uniform: --cell-px bins everywhere (the classic bots' grid).")
@click.option("--cell", type=click.IntRange(1, 1000), default=3, show_default=True,
              help="Pixels per distance bin (where the focused grid is fine).")
@click.option("--next-cell", type=click.IntRange(0, 1000), default=0, show_default=True,
              help="Pixels per bin of how far the gap after next lies above or below the next "
                   "one (0: not in the state).")
@click.option("--alpha", type=Finite(0, 1, min_open=True), default=0.1, show_default=True,
              help="Learning rate α.")
@click.option("--alpha-decay", type=Finite(min=0), default=0.0, show_default=True,
              help="k > 0: α / (1 + n/k) after n visits of a state-action pair (0: constant α).")
@click.option("--rewards-scheme", type=click.Choice(["crash", "env", "classic"]),
              default="crash", show_default=True,
              help="crash: -1 on a crash, 0 otherwise; env: the env's rewards (see the reward "
                   "options); classic: the classic bot's (+1 per frame, -1000 on a death's last "
                   "two frames and on the last flap before an upper-pipe crash; backward "
                   "updates only).")
@click.option("--episodes", "max_episodes", type=click.IntRange(0, 10**12), default=0,
              help="Stop after this many training episodes (0: no episode budget).")
@click.option("--gamma", type=Finite(0, 1, min_open=True), default=0.95, show_default=True,
              help="Discount factor γ.")
@click.option("--epsilon-start", type=Finite(0, 1), default=0.0, show_default=True,
              help="Initial ε.")
@click.option("--epsilon-end", type=Finite(0, 1), default=0.0, show_default=True, help="Final ε.")
@click.option("--epsilon-steps", type=click.IntRange(1, 10**13), default=10_000_000,
              show_default=True, help="Env steps over which ε decays linearly.")
@click.option("--update", type=click.Choice(["online", "backward"]), default="online",
              show_default=True,
              help="Online at every step, or backwards over each finished episode (classic).")
@click.option("--eval-every-steps", type=click.IntRange(0, 10**12), default=20_000_000,
              show_default=True,
              help="Evaluate each time the env-step count passes a multiple of this.")
@click.option("--eval-episodes", type=click.IntRange(1, MAX_EVAL_EPISODES), default=32,
              show_default=True, help="Episodes per evaluation.")
@click.option("--seed", type=SEED, default=0, show_default=True, help=SEED_HELP)
@run_folder_options
@friendly_errors
def qlearn_train(game_config, reward_config, budgets, given_budgets, seed, out, runs, name, resume,
                 save_every, **options):
    """Train the tabular Q-learning bot headless, with progress, logs and evaluations.
    Ctrl-C or SIGTERM stops after the current update and saves."""
    refuse_settings_with_resume(resume)
    from flappy_pg.qlearning import QConfig, QLearner, restore_learner
    from flappy_pg.training import start_run
    preset = options.pop("preset")
    ctx = click.get_current_context()
    given = {k: v for k, v in options.items()
             if ctx.get_parameter_source(k) is not click.core.ParameterSource.DEFAULT}
    make = QConfig.classic if preset == "classic" else QConfig
    chosen = given if preset else options
    if "max_episodes" in given:  # a budget: a resumed run takes it too
        given_budgets = {**given_budgets, "max_episodes": options["max_episodes"]}

    def new_learner():
        return QLearner(make(seed=seed, game=game_config.to_dict(),
                             rewards=reward_config.to_dict(), **budgets, **chosen))

    start_run("qlearn", ".npz", new_learner, restore_learner, Path(out), Path(runs), name=name,
              resume=resume, budget_overrides=given_budgets, echo=click.echo,
              save_every=save_every)


@qlearn.command("eval")
@click.argument("table", type=click.Path(dir_okay=False), required=False)
@eval_options
@friendly_errors
def qlearn_eval(table, episodes, seed, max_score):
    """Evaluate a Q-table (greedy) headless on unseen seeds (default: the shipped table)."""
    from flappy_pg.qlearning import table_actor
    q, binning, config, path = load_qlearn(table)
    evaluate_and_print(table_actor(q, binning), config, path, episodes, seed, max_score, "greedy")


@qlearn.command("watch")
@click.argument("table", type=click.Path(dir_okay=False), required=False)
@watch_options
@friendly_errors
def qlearn_watch(table, speed, seed, record):
    """Watch the Q-learning bot play in a window (default: the shipped table)."""
    from flappy_pg.watch import run_watch
    writable_file(record)
    q, binning, config, path = load_qlearn(table)

    def agent(observation):
        values = q[binning.cells(observation[None])[0]]
        return int(values[1] > values[0]), float(values[1] > values[0])

    report_scores(run_watch(agent, config, label="Q-learning", source=Path(path).name, seed=seed,
                            speed=speed, record=record, echo=click.echo))

@main.command()
@game_options
@click.option("--seconds", type=Finite(min=0), default=600, show_default=True,
              help="Training time per agent and seed (0: no time budget).")
@click.option("--steps", type=click.IntRange(0, 10**13), default=0,
              help="Env steps per agent and seed (0: no step budget).")
@click.option("--seeds", default="0,1,2", show_default=True, help="Training seeds, comma-separated.")
@click.option("--eval-every-seconds", type=Finite(min=0.001, max=10**7), default=20,
              show_default=True, help="Training seconds between evaluations for the curves.")
@click.option("--eval-episodes", type=click.IntRange(1, MAX_EVAL_EPISODES), default=32,
              show_default=True, help="Episodes per evaluation on the curves.")
@click.option("--final-episodes", type=click.IntRange(1, MAX_EVAL_EPISODES), default=100,
              show_default=True, help="Episodes of the final evaluation, per seed.")
@click.option("--out", type=click.Path(file_okay=False), default="reports/compare",
              show_default=True, help="Report folder.")
@click.option("--save-agents", type=click.Path(file_okay=False), default=None,
              help="Also save every trained agent in this folder (reinforce-seed0.pt, "
                   "qlearning-seed0.npz, ...).")
@friendly_errors
def compare(game_config, seconds, steps, seeds, eval_every_seconds, eval_episodes,
            final_episodes, out, save_agents):
    """Train REINFORCE and Q-learning on the same game, seeds and budget, evaluate both on the
    same unseen seeds, and write a report (table and plots)."""
    from flappy_pg.compare import run_comparison
    seed_list = parse_seeds(seeds)
    if not seconds and not steps:
        raise UserError("give a budget: --seconds or --steps")
    writable_folder(out)
    if save_agents:
        writable_folder(save_agents)
    run_comparison(game_config, seed_list, seconds, steps, Path(out),
                   save_agents=Path(save_agents) if save_agents else None,
                   eval_every_seconds=eval_every_seconds,
                   eval_episodes=eval_episodes, final_episodes=final_episodes, echo=click.echo)


@main.command()
@click.argument("checkpoint", type=click.Path(dir_okay=False), required=False)
@click.option("--fresh", is_flag=True, help="Use a new, untrained policy instead of a checkpoint.")
@click.option("--horizon", type=click.IntRange(2, 14), default=10, show_default=True,
              help="Frames of the enumerated short game (2^horizon trajectories).")
@click.option("--repeats", type=click.IntRange(2, 10_000), default=50, show_default=True,
              help="Monte Carlo estimates per sample size N.")
@click.option("--batches", type=click.IntRange(2, 10_000), default=30, show_default=True,
              help="Independent batches on the real game.")
@click.option("--episodes", type=click.IntRange(2, 100_000), default=32, show_default=True,
              help="Episodes per batch on the real game.")
@click.option("--max-score", type=click.IntRange(1, 10_000), default=2, show_default=True,
              help="Real-game episodes of the variance table are capped at this many pipes.")
@click.option("--pool", type=click.IntRange(16, 65_536), default=8192, show_default=True,
              help="Cosine curves: episodes whose per-episode gradients are resampled into "
                   "batches (the largest batch is half of it).")
@click.option("--reference", type=click.IntRange(16, 1_000_000), default=16_384, show_default=True,
              help="Cosine curves: fewest episodes of the reference gradient (more, up to 65,536, "
                   "until its estimated error is at most 20% of its norm).")
@click.option("--curve-max-score", type=click.IntRange(1, 10_000), default=100, show_default=True,
              help="Cosine curves: episodes are capped here (training's cap).")
@click.option("--quick", is_flag=True, help="Tiny sizes everywhere, for a smoke test in seconds.")
@click.option("--seed", type=SEED, default=0, show_default=True, help=SEED_HELP)
@click.option("--out", type=click.Path(file_okay=False), default="reports/gradlab",
              show_default=True, help="Folder for the tables and plots.")
@friendly_errors
def gradlab(checkpoint, fresh, horizon, repeats, batches, episodes, max_score, pool, reference,
            curve_max_score, quick, seed, out):
    """The log-derivative trick measured: exact gradient vs score-function estimates on an
    enumerable short game; each estimator's variance on the real game; and, for each estimator,
    the cosine similarity to a reference gradient and between independent estimates against the
    batch size (default: the shipped policy from 20 s into training and the shipped trained one)."""
    import torch
    from flappy_pg import gradient_curves as curves
    from flappy_pg.gradlab import estimator_variance, exactness, markdown, plot_lab
    from flappy_pg.policy import Policy
    if fresh and checkpoint:
        raise UserError("give either --fresh or a checkpoint, not both")
    folder = writable_folder(out)
    if quick:
        horizon, repeats, batches, episodes = min(horizon, 6), min(repeats, 10), min(batches, 4), \
            min(episodes, 8)
        pool, reference, curve_max_score = min(pool, 64), min(reference, 128), min(curve_max_score, 5)
    if fresh:
        torch.manual_seed(seed)
        defaults = TRAIN_DEFAULTS
        policies = [(Policy(8, defaults.hidden, defaults.init_flap_prob, defaults.input_scale),
                     GameConfig(), "a fresh policy")]
    elif checkpoint:
        policy, config, path, obs_type = load_reinforce(checkpoint)
        if obs_type != "features":
            raise UserError(f"{path} plays from pixels: the gradient lab works on feature "
                            f"policies")
        policies = [(policy, config, str(path))]
    else:
        from flappy_pg.paths import MIDWAY_POLICY, PRETRAINED_POLICY
        policies = [(*load_reinforce(None, default=MIDWAY_POLICY)[:2], "midway (20 s)"),
                    (*load_reinforce(None, default=PRETRAINED_POLICY)[:2], "shipped")]
    policy, config, label = policies[0]
    click.echo(f"gradient lab on {label}")
    exact = exactness(policy, config, horizon=horizon, repeats=repeats, seed=seed, echo=click.echo)
    variance = estimator_variance(policy, config, batches=batches, episodes=episodes,
                                  max_score=max_score, seed=seed, echo=click.echo)
    settings = curves.Settings(pool=pool, reference=reference, fit=min(1024, reference),
                               reference_max=reference if quick else max(reference, 65_536),
                               max_score=curve_max_score, seed=seed,
                               repeats=10 if quick else 30, fit_epochs=30 if quick else 300)
    measured = [curves.measure(p, c, name, settings, echo=click.echo) for p, c, name in policies]
    table = markdown(exact["rows"], variance)
    cosines = "\n".join([*(f"- {curves.summary(c)}" for c in measured), "", curves.table(measured)])
    (folder / "gradlab.md").write_text(
        f"# Gradient lab: {label}\n\n{table}\n\n![plot](gradlab.png)\n\n"
        f"## Cosine similarity against the batch size\n\n{cosines}\n\n![cosines](cosines.png)\n")
    plot_lab(exact["rows"], variance, folder / "gradlab.png")
    curves.plot(measured, folder / "cosines.png")
    click.echo(table)
    click.echo(cosines)
    click.echo(f"tables and plots written to {folder}")


@bench.command("train")
@click.option("--seeds", default="0,1,2,3,4", show_default=True, help="Training seeds, comma-separated.")
@click.option("--marks", default="60,120,300,600", show_default=True,
              help="Training seconds at which a row is printed, comma-separated; the last ends "
                   "each seed's run.")
@click.option("--check-every", type=Finite(0, 3600), default=10, show_default=True,
              help="Training seconds between the evaluations that find when each target was "
                   "first reached (0: only at the marks).")
@click.option("--episodes", type=click.IntRange(1, MAX_EVAL_EPISODES), default=100,
              show_default=True, help="Evaluation episodes per check.")
@click.option("--max-score", type=click.IntRange(1, MAX_SCORE_CAP), default=1000, show_default=True)
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), default=None,
              help="Also write the rows at the marks to this CSV file.")
@click.option("--save-policies", type=click.Path(file_okay=False), default=None,
              help="Also save each seed's final policy in this folder (reinforce-seed0.pt, ...).")
@friendly_errors
def bench_train(seeds, marks, check_every, episodes, max_score, csv_path, save_policies):
    """Learning speed of `flappy-pg train`'s defaults on several seeds: the evaluation at given
    training times, and per seed the time and env steps to an evaluation mean of 100 and to 99%
    of games at the cap (targets: a mean of 100 within 60 s and 99% capped within 600 s, on
    every seed)."""
    import csv
    from flappy_pg.bench import run_training_benchmark, target_lines
    seed_list = parse_seeds(seeds)
    try:
        mark_list = tuple(float(m) for m in marks.split(","))
    except ValueError:
        raise UserError("--marks takes seconds separated by commas") from None
    if not all(math.isfinite(m) and 0 < m <= 86_400 for m in mark_list):
        raise UserError("--marks: each mark must be a number of seconds in (0, 86400]")
    writable_file(csv_path)
    save_folder = writable_folder(save_policies) if save_policies else None
    rows, results = run_training_benchmark(seed_list, mark_list, episodes, max_score,
                                           check_every=check_every, save_folder=save_folder,
                                           progress=lambda m: click.echo(m, err=True))
    click.echo(f"{'seed':>4} {'train s':>8} {'env steps':>13} {'mean':>8} {'std':>7} "
               f"{'median':>7} {'max':>6} {'capped':>7}")
    for r in rows:
        click.echo(f"{r['seed']:>4} {r['train_s']:>8.1f} {r['env_steps']:>13,} {r['mean']:>8.1f} "
                   f"{r['std']:>7.1f} {r['median']:>7.0f} {r['max']:>6} {r['capped_share']:>7.0%}")
    for line in target_lines(results, 100, 0.99, mean_within=60, capped_within=600):
        click.echo(line)
    if csv_path:
        with open(csv_path, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
