"""The `flappy-pg` command line: parses options and calls the modules that do the work."""

from __future__ import annotations

import functools
import os
import sys

import click

from pathlib import Path

from flappy_pg.config import ConfigError, GameConfig, RewardConfig


class UserError(click.ClickException):
    """Bad input: shown as one line, exit status 1, no traceback."""


def friendly_errors(command):
    """Turn the errors a user can cause into one-line messages."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from flappy_pg.errors import USER_ERRORS
        try:
            return command(*args, **kwargs)
        except USER_ERRORS as error:
            raise UserError(str(error)) from None
    return wrapper


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
                     help="Horizontal distance between pipes, in pixels."),
        click.option("--gravity", type=float, default=defaults.gravity, show_default=True,
                     help="Speed the bird gains per frame while falling."),
        click.option("--flap-speed", type=float, default=defaults.flap_speed, show_default=True,
                     help="Vertical speed a flap sets (negative is up)."),
    ]

    @functools.wraps(command)
    def wrapper(*args, pipe_gap, pipe_speed, pipe_spacing, gravity, flap_speed, **kwargs):
        try:
            config = GameConfig(pipe_gap=pipe_gap, pipe_speed=pipe_speed, pipe_spacing=pipe_spacing,
                                gravity=gravity, flap_speed=flap_speed)
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
@click.option("--steps", type=click.IntRange(min=1000), default=300_000, show_default=True,
              help="Steps timed per single-env figure (the vector env runs 20x more).")
@click.option("--seed", type=int, default=0, show_default=True)
@friendly_errors
def bench_env(steps, seed):
    """Steps/s of one game through gymnasium.make, of the vector env at 1, 64 and 1024 games,
    and rgb_array frames/s; the same for flappy-bird-gymnasium when it is installed."""
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
              help="Save what is played as an animated GIF (e.g. --record play.gif).")
@click.option("--seed", type=int, default=None, help="Seed of the pipe heights (random if unset).")
@friendly_errors
def play(game_config, mute, record, seed):
    """Play Flappy Bird yourself: Space, Up or left click to flap, R or Space to play again after
    a crash, Esc to quit. Best scores are kept between runs."""
    from flappy_pg.play import run_play
    best = run_play(game_config, seed=seed, muted=mute, record=record)
    click.echo(f"best score: {best}")


def reward_options(command):
    """Reward options mirroring `RewardConfig`; the command receives `reward_config`."""
    defaults = RewardConfig()
    options = [
        click.option("--reward-alive", type=float, default=defaults.alive, show_default=True,
                     help="Reward per frame alive."),
        click.option("--reward-pipe", type=float, default=defaults.pipe, show_default=True,
                     help="Reward per pipe passed."),
        click.option("--reward-death", type=float, default=defaults.death, show_default=True,
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


def parse_hidden(ctx, param, value: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(v) for v in value.split(","))
    except ValueError:
        raise click.BadParameter("give layer sizes separated by commas, e.g. 32,32") from None
    if not sizes or min(sizes) < 1:
        raise click.BadParameter("layer sizes must be positive")
    return sizes


BUDGET_OPTIONS = {"steps": "max_steps", "seconds": "max_seconds", "target_score": "target_score"}


def budget_options(command):
    """--steps, --seconds, --target-score; the command receives `budgets` (all of them) and
    `given_budgets` (those the user set, which a resumed run takes over its saved ones)."""
    @functools.wraps(command)
    def wrapper(*args, steps, seconds, target_score, **kwargs):
        budgets = {"max_steps": steps, "max_seconds": 600.0 if seconds is None else seconds,
                   "target_score": 1000.0 if target_score is None else target_score}
        ctx = click.get_current_context()
        given = {field: budgets[field] for key, field in BUDGET_OPTIONS.items()
                 if ctx.get_parameter_source(key) is not click.core.ParameterSource.DEFAULT}
        return command(*args, budgets=budgets, given_budgets=given, **kwargs)

    return options(
        click.option("--steps", type=click.IntRange(min=0), default=0,
                     help="Stop after this many env steps (0: no step budget)."),
        click.option("--seconds", type=click.FloatRange(min=0), default=None, show_default="600",
                     help="Stop after this many seconds of training (0: no time budget)."),
        click.option("--target-score", type=click.FloatRange(min=0), default=None,
                     show_default="1000 (every evaluation game reaches the cap)",
                     help="Stop when the evaluation mean score reaches this (0: never)."),
    )(wrapper)


@main.command()
@game_options
@reward_options
@budget_options
@click.option("--games", type=click.IntRange(min=1), default=None, show_default="from TrainConfig",
              help="Games played in parallel; each plays one complete episode per round.")
@click.option("--batch-steps", type=click.IntRange(min=0), default=None,
              help="Play more rounds until a batch holds at least this many steps.")
@click.option("--returns", type=click.Choice(["reward-to-go", "full"]), default=None,
              help="Credit each step with the discounted reward-to-go, or the whole episode's return.")
@click.option("--gamma", type=click.FloatRange(0, 1, min_open=True), default=None,
              help="Discount factor.")
@click.option("--baseline", type=click.Choice(["none", "mean", "value"]), default=None,
              help="Baseline subtracted from the returns.")
@click.option("--normalize/--no-normalize", default=None,
              help="Normalize advantages over the whole batch.")
@click.option("--entropy-coef", type=click.FloatRange(min=0), default=None, help="Entropy bonus.")
@click.option("--lr", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Policy learning rate (Adam).")
@click.option("--max-grad-norm", type=click.FloatRange(min=0), default=None,
              help="Clip the policy gradient's norm (0: no clipping).")
@click.option("--hidden", callback=lambda c, p, v: parse_hidden(c, p, v) if v else None,
              default=None, help="Hidden layer sizes, e.g. 32,32.")
@click.option("--train-max-score", type=click.IntRange(min=1), default=None,
              help="Training episodes are truncated at this many pipes.")
@click.option("--eval-every", type=click.FloatRange(min=0), default=None,
              help="Seconds of training between evaluations (0: only at the end).")
@click.option("--eval-episodes", type=click.IntRange(min=1), default=None,
              help="Episodes per evaluation.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--threads", type=click.IntRange(min=1), default=None, help="Torch threads.")
@click.option("--out", type=click.Path(file_okay=False), default="checkpoints", show_default=True,
              help="Folder for checkpoints (a subfolder per run).")
@click.option("--runs", type=click.Path(file_okay=False), default="runs", show_default=True,
              help="Folder for logs (a subfolder per run).")
@click.option("--name", default=None, help="Run name (default: reinforce-<date>-<time>).")
@click.option("--resume", type=click.Path(dir_okay=False), default=None,
              help="Continue from a checkpoint (only the budget options apply then).")
@friendly_errors
def train(game_config, reward_config, budgets, given_budgets, seed, out, runs, name, resume,
          **options):
    """Train the REINFORCE agent headless, with progress, logs, evaluations and checkpoints."""
    from flappy_pg.checkpoint import load_checkpoint, restore_trainer
    from flappy_pg.reinforce import Trainer, TrainConfig
    from flappy_pg.training import start_run
    names = {"games": "games", "batch_steps": "batch_steps", "returns": "returns",
             "gamma": "gamma", "baseline": "baseline", "normalize": "normalize_advantages",
             "entropy_coef": "entropy_coef", "lr": "lr", "max_grad_norm": "max_grad_norm",
             "hidden": "hidden", "train_max_score": "train_max_score", "eval_every": "eval_every",
             "eval_episodes": "eval_episodes", "threads": "torch_threads"}
    chosen = {names[k]: v for k, v in options.items() if v is not None}

    def new_trainer():
        return Trainer(TrainConfig(seed=seed, game=game_config.to_dict(),
                                   rewards=reward_config.to_dict(), **budgets, **chosen))

    start_run("reinforce", ".pt", new_trainer,
              lambda path, overrides: restore_trainer(load_checkpoint(path), **overrides),
              Path(out), Path(runs), name=name, resume=resume, budget_overrides=given_budgets,
              echo=click.echo)

eval_options = options(
    click.option("--episodes", type=click.IntRange(min=1), default=100, show_default=True),
    click.option("--seed", type=int, default=None,
                 show_default="2000000 (never used in training or checkpoint selection)",
                 help="Seed of the first evaluation game; game i uses seed + i."),
    click.option("--max-score", type=click.IntRange(min=1), default=1000, show_default=True,
                 help="Episodes stop (as capped) at this many pipes."))

watch_options = options(
    click.option("--speed", type=click.FloatRange(0.25, 16), default=1, show_default=True,
                 help="Playback speed (Right/Left keys change it while watching)."),
    click.option("--seed", type=int, default=None, help="Seed of the pipe heights."),
    click.option("--record", type=click.Path(dir_okay=False), default=None,
                 help="Save what is shown as an animated GIF."))


def evaluate_and_print(act, config, path, episodes, seed, max_score, mode: str) -> None:
    from flappy_pg.evaluate import TEST_SEED, evaluate
    seed = TEST_SEED if seed is None else seed
    click.echo(f"evaluating {path} ({mode}, seeds {seed}...{seed + episodes - 1})", err=True)
    click.echo(evaluate(act, config, episodes=episodes, seed=seed, max_score=max_score).line())


def load_reinforce(checkpoint: str | None, default=None):
    """(policy, game config, path) of a checkpoint, or of a shipped one (the trained policy
    unless `default` names another)."""
    from flappy_pg.checkpoint import load_policy
    from flappy_pg.paths import PRETRAINED_POLICY
    from flappy_pg.reinforce import TrainConfig
    path = checkpoint or default or PRETRAINED_POLICY
    policy, payload = load_policy(path)
    return policy, TrainConfig.from_dict(payload["train_config"]).game_config, path


def load_qlearn(table: str | None):
    """(Q, binning, game config, path) of a table, or of the shipped one."""
    from flappy_pg.paths import PRETRAINED_QTABLE
    from flappy_pg.qlearning import Binning, load_table
    path = table or PRETRAINED_QTABLE
    q, config, _ = load_table(path)
    return q, Binning(config.game_config, config.cell), config.game_config, path


def report_scores(scores: list[int]) -> None:
    if scores:
        click.echo(f"{len(scores)} episodes, scores: {scores}")


def policy_agent(policy, greedy: bool, seed: int | None):
    """(action, flap probability) for one observation, from a REINFORCE policy."""
    import numpy as np
    from flappy_pg.policy import NumpyActor
    actor, rng = NumpyActor(policy), np.random.default_rng(seed)

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
    from flappy_pg.reinforce import policy_actor
    policy, config, path = load_reinforce(checkpoint)
    act = policy_actor(policy, np.random.default_rng(seed), greedy=greedy)
    evaluate_and_print(act, config, path, episodes, seed, max_score,
                       "greedy actions" if greedy else "sampled actions")


@main.command()
@click.argument("checkpoint", type=click.Path(dir_okay=False), required=False)
@watch_options
@click.option("--greedy/--sample", default=True, show_default=True,
              help="Take the most likely action, or sample from the policy.")
@friendly_errors
def watch(checkpoint, speed, seed, record, greedy):
    """Watch the REINFORCE agent play in a window (default: the shipped pre-trained policy)."""
    from flappy_pg.watch import run_watch
    policy, config, path = load_reinforce(checkpoint)
    report_scores(run_watch(policy_agent(policy, greedy, seed), config,
                            label="REINFORCE", source=Path(path).name, seed=seed, speed=speed,
                            record=record))


@main.group()
def qlearn():
    """The tabular Q-learning baseline: train, evaluate and watch it."""


@qlearn.command("train")
@game_options
@reward_options
@budget_options
@click.option("--games", type=click.IntRange(min=1), default=None, help="Games played in parallel.")
@click.option("--cell", type=click.IntRange(min=1), default=None, help="Pixels per distance bin.")
@click.option("--alpha", type=click.FloatRange(0, 1, min_open=True), default=None,
              help="Learning rate α.")
@click.option("--gamma", type=click.FloatRange(0, 1, min_open=True), default=None,
              help="Discount factor γ.")
@click.option("--epsilon-start", type=click.FloatRange(0, 1), default=None, help="Initial ε.")
@click.option("--epsilon-end", type=click.FloatRange(0, 1), default=None, help="Final ε.")
@click.option("--epsilon-steps", type=click.IntRange(min=1), default=None,
              help="Env steps over which ε decays linearly.")
@click.option("--update", type=click.Choice(["backward", "online"]), default=None,
              help="Backwards over each finished episode (classic), or online at every step.")
@click.option("--eval-every", type=click.FloatRange(min=0), default=None,
              help="Seconds of training between evaluations.")
@click.option("--eval-episodes", type=click.IntRange(min=1), default=None,
              help="Episodes per evaluation.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--out", type=click.Path(file_okay=False), default="checkpoints", show_default=True,
              help="Folder for Q-tables (a subfolder per run).")
@click.option("--runs", type=click.Path(file_okay=False), default="runs", show_default=True,
              help="Folder for logs (a subfolder per run).")
@click.option("--name", default=None, help="Run name (default: qlearn-<date>-<time>).")
@click.option("--resume", type=click.Path(dir_okay=False), default=None,
              help="Continue from a saved table (only the budget options apply then).")
@friendly_errors
def qlearn_train(game_config, reward_config, budgets, given_budgets, seed, out, runs, name, resume,
                 **options):
    """Train the tabular Q-learning bot headless, with progress, logs and evaluations."""
    from flappy_pg.qlearning import QConfig, QLearner, restore_learner
    from flappy_pg.training import start_run
    chosen = {k: v for k, v in options.items() if v is not None}

    def new_learner():
        return QLearner(QConfig(seed=seed, game=game_config.to_dict(),
                                rewards=reward_config.to_dict(), **budgets, **chosen))

    start_run("qlearn", ".npz", new_learner, restore_learner, Path(out), Path(runs), name=name,
              resume=resume, budget_overrides=given_budgets, echo=click.echo)


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
    q, binning, config, path = load_qlearn(table)

    def agent(observation):
        values = q[binning.cells(observation[None])[0]]
        return int(values[1] > values[0]), float(values[1] > values[0])

    report_scores(run_watch(agent, config, label="Q-learning", source=Path(path).name, seed=seed,
                            speed=speed, record=record))

@main.command()
@game_options
@click.option("--seconds", type=click.FloatRange(min=0), default=120, show_default=True,
              help="Training time per agent and seed (0: no time budget).")
@click.option("--steps", type=click.IntRange(min=0), default=0,
              help="Env steps per agent and seed (0: no step budget).")
@click.option("--seeds", default="0,1,2", show_default=True, help="Training seeds, comma-separated.")
@click.option("--eval-every", type=click.FloatRange(min=0, min_open=True), default=10,
              show_default=True, help="Training seconds between evaluations for the curves.")
@click.option("--eval-episodes", type=click.IntRange(min=1), default=32, show_default=True,
              help="Episodes per evaluation on the curves.")
@click.option("--final-episodes", type=click.IntRange(min=1), default=100, show_default=True,
              help="Episodes of the final evaluation, per seed.")
@click.option("--out", type=click.Path(file_okay=False), default="reports/compare",
              show_default=True, help="Report folder.")
@friendly_errors
def compare(game_config, seconds, steps, seeds, eval_every, eval_episodes, final_episodes, out):
    """Train REINFORCE and Q-learning on the same game, seeds and budget, evaluate both on the
    same unseen seeds, and write a report (table and plots)."""
    from flappy_pg.compare import run_comparison
    try:
        seed_list = tuple(int(s) for s in seeds.split(","))
    except ValueError:
        raise UserError(f"--seeds must be whole numbers separated by commas, got {seeds!r}") from None
    if not seconds and not steps:
        raise UserError("give a budget: --seconds or --steps")
    run_comparison(game_config, seed_list, seconds, steps, Path(out), eval_every=eval_every,
                   eval_episodes=eval_episodes, final_episodes=final_episodes, echo=click.echo)


@main.command()
@click.argument("checkpoint", type=click.Path(dir_okay=False), required=False)
@click.option("--fresh", is_flag=True, help="Use a new, untrained policy instead of a checkpoint.")
@click.option("--horizon", type=click.IntRange(2, 14), default=10, show_default=True,
              help="Frames of the enumerated short game (2^horizon trajectories).")
@click.option("--repeats", type=click.IntRange(min=2), default=50, show_default=True,
              help="Monte Carlo estimates per sample size N.")
@click.option("--batches", type=click.IntRange(min=2), default=30, show_default=True,
              help="Independent batches on the real game.")
@click.option("--episodes", type=click.IntRange(min=2), default=32, show_default=True,
              help="Episodes per batch on the real game.")
@click.option("--max-score", type=click.IntRange(min=1), default=2, show_default=True,
              help="Real-game episodes are capped at this many pipes.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--out", type=click.Path(file_okay=False), default="reports/gradlab",
              show_default=True, help="Folder for the table and plot.")
@friendly_errors
def gradlab(checkpoint, fresh, horizon, repeats, batches, episodes, max_score, seed, out):
    """The log-derivative trick measured: exact gradient vs score-function estimates on an
    enumerable short game, and each estimator variant's variance on the real game (default: the
    shipped policy from 20 s into training, whose gradients are still large)."""
    import torch
    from flappy_pg.gradlab import estimator_variance, exactness, markdown, plot_lab
    from flappy_pg.policy import Policy
    from flappy_pg.reinforce import TrainConfig
    if fresh:
        torch.manual_seed(seed)
        defaults = TrainConfig()
        policy, config, label = Policy(8, defaults.hidden, input_scale=defaults.input_scale), \
            GameConfig(), "a fresh policy"
    else:
        from flappy_pg.paths import MIDWAY_POLICY
        policy, config, path = load_reinforce(checkpoint, default=MIDWAY_POLICY)
        label = str(path)
    click.echo(f"gradient lab on {label}")
    exact = exactness(policy, config, horizon=horizon, repeats=repeats, seed=seed, echo=click.echo)
    variance = estimator_variance(policy, config, batches=batches, episodes=episodes,
                                  max_score=max_score, seed=seed, echo=click.echo)
    table = markdown(exact["rows"], variance)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "gradlab.md").write_text(f"# Gradient lab: {label}\n\n{table}\n\n![plot](gradlab.png)\n")
    plot_lab(exact["rows"], variance, folder / "gradlab.png")
    click.echo(table)
    click.echo(f"table and plot written to {folder}")


@bench.command("train")
@click.option("--seeds", default="0,1,2", show_default=True, help="Training seeds, comma-separated.")
@click.option("--marks", default="30,60,120,300,600", show_default=True,
              help="Training seconds at which the policy is evaluated, comma-separated.")
@click.option("--episodes", type=click.IntRange(min=1), default=100, show_default=True,
              help="Evaluation episodes per snapshot.")
@click.option("--max-score", type=click.IntRange(min=1), default=1000, show_default=True)
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), default=None,
              help="Also write the rows to this CSV file.")
@friendly_errors
def bench_train(seeds, marks, episodes, max_score, csv_path):
    """Learning speed of `flappy-pg train`'s defaults: evaluation score after given training
    times, for several seeds (the learning targets: mean >= 100 within 120 s, every game at the
    1000-pipe cap within 600 s)."""
    import csv
    from flappy_pg.bench import run_training_benchmark
    try:
        seed_list = tuple(int(s) for s in seeds.split(","))
        mark_list = tuple(float(m) for m in marks.split(","))
    except ValueError:
        raise UserError("--seeds and --marks take numbers separated by commas") from None
    rows = run_training_benchmark(seed_list, mark_list, episodes, max_score,
                                  progress=lambda m: click.echo(m, err=True))
    click.echo(f"{'seed':>4} {'train s':>8} {'env steps':>13} {'mean':>8} {'std':>7} "
               f"{'median':>7} {'max':>6} {'capped':>7}")
    for r in rows:
        click.echo(f"{r['seed']:>4} {r['train_s']:>8.1f} {r['env_steps']:>13,} {r['mean']:>8.1f} "
                   f"{r['std']:>7.1f} {r['median']:>7.0f} {r['max']:>6} {r['capped_share']:>7.0%}")
    if csv_path:
        with open(csv_path, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
