"""A training run as users start it from the command line, for either agent: progress lines,
the run folder's logs, periodic evaluation on unseen seeds, best and latest checkpoints written
atomically, resume, and a clean stop on Ctrl-C that keeps the last good checkpoint.

A learner (REINFORCE's `Trainer`, Q-learning's `QLearner`) offers `config` (with the budget and
evaluation settings), `state` (a `RunState`), `step()`, `eval_actor()` and
`save(path)`.
"""

from __future__ import annotations

import math
import signal
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from flappy_pg.config import ConfigError
from flappy_pg.evaluate import evaluate
from flappy_pg.runlog import RunLog


class StopOnInterrupt:
    """The first Ctrl-C asks the loop to stop after the current update (so the checkpoint is
    consistent); a second one interrupts at once."""

    def __init__(self, echo: Callable[[str], None]):
        self.echo = echo
        self._requested = False
        self._previous = None

    def requested(self) -> bool:
        return self._requested

    def _handle(self, signum, frame) -> None:
        if self._requested:
            raise KeyboardInterrupt
        self._requested = True
        self.echo("stopping after this update (Ctrl-C again to abort at once) ...")

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


@dataclass
class RunState:
    """A learner's counters, saved with it so that a resumed run continues them."""

    updates: int = 0
    env_steps: int = 0
    episodes: int = 0
    seconds: float = 0.0  # of training, evaluations excluded
    best_eval: float = -math.inf
    last_eval: float = -math.inf


def out_of_budget(config, state: RunState) -> str | None:
    """Why a run should stop now (step, time or target-score budget), or None."""
    if config.max_steps and state.env_steps >= config.max_steps:
        return f"reached the step budget ({config.max_steps:,} env steps)"
    if config.max_seconds and state.seconds >= config.max_seconds:
        return f"reached the time budget ({config.max_seconds:g} s)"
    if config.target_score and state.last_eval >= config.target_score:
        return f"reached the target score (evaluation mean {state.last_eval:.1f})"
    return None


def train_loop(learner, on_update: Callable[[dict], None], on_eval: Callable[[], None] | None = None,
               should_stop: Callable[[], bool] = lambda: False) -> str:
    """Update until a budget is reached or `should_stop()`; evaluations every `eval_every`
    training seconds. Returns why it stopped."""
    c = learner.config
    next_eval = learner.state.seconds + c.eval_every if c.eval_every else math.inf
    while True:
        on_update(learner.step())
        if should_stop():
            return "interrupted (Ctrl-C)"
        if on_eval and learner.state.seconds >= next_eval:
            on_eval()
            next_eval = learner.state.seconds + c.eval_every
        reason = out_of_budget(c, learner.state)
        if reason:
            return reason


def default_run_name(agent: str) -> str:
    return datetime.now().strftime(f"{agent}-%Y%m%d-%H%M%S")


def progress_line(stats: dict) -> str:
    extra = (f"entropy {stats['entropy']:.3f}" if "entropy" in stats
             else f"epsilon {stats.get('epsilon', 0):.3f}")
    return (f"update {stats['update']:>5}  steps {stats['env_steps']:>12,}  "
            f"episodes {stats['episodes']:>8,}  score mean {stats['score_mean']:7.2f} "
            f"max {stats['score_max']:>5}  {extra}  "
            f"{stats['sps']:>9,.0f} steps/s  {stats['seconds']:7.1f}s")


def run_training(learner, checkpoint_folder: Path, run_folder: Path, suffix: str,
                 resumed: bool = False, echo: Callable[[str], None] = print) -> dict:
    """Train until a budget is reached or Ctrl-C; returns a summary with the checkpoint paths."""
    latest, best = checkpoint_folder / f"latest{suffix}", checkpoint_folder / f"best{suffix}"
    log = RunLog(run_folder, learner.config.to_dict(), resume=resumed)
    c = learner.config
    echo(f"logs in {log.folder}, checkpoints in {checkpoint_folder}")

    def on_update(stats: dict) -> None:
        log.update(stats)
        echo(progress_line(stats))

    def on_eval() -> None:
        result = evaluate(learner.eval_actor(), c.game_config, episodes=c.eval_episodes,
                          seed=c.eval_seed, max_score=c.eval_max_score)
        s = learner.state
        s.last_eval = result.mean
        log.evaluation({"update": s.updates, "env_steps": s.env_steps,
                        "seconds": round(s.seconds, 3), **result.summary()})
        echo(f"evaluation (greedy, unseen seeds): {result.line()}")
        if result.mean > s.best_eval:
            s.best_eval = result.mean
            learner.save(best)
        learner.save(latest)

    started = time.perf_counter()
    with StopOnInterrupt(echo) as interrupt:
        reason = train_loop(learner, on_update, on_eval, should_stop=interrupt.requested)
    learner.save(latest)  # the finished update is saved before anything else
    if interrupt.requested():
        echo(f"latest checkpoint saved; continue with --resume {latest}")
    else:
        on_eval()  # the final evaluation, which also updates the best checkpoint
    log.close()
    echo(f"stopped: {reason}; {learner.state.env_steps:,} env steps in "
         f"{learner.state.seconds:.1f}s of training ({time.perf_counter() - started:.1f}s wall)")
    echo(f"latest checkpoint: {latest}")
    echo(f"best checkpoint:   {best}" if best.exists() else
         f"best checkpoint:   none written in this folder (no evaluation beat the run's best, "
         f"{learner.state.best_eval:.1f})")
    return {"reason": reason, "latest": latest, "best": best, "run": log.folder,
            "state": learner.state}


def start_run(agent: str, suffix: str, new_learner: Callable[[], object],
              restore_learner: Callable[[Path, dict], object], out: Path, runs: Path,
              name: str | None = None, resume: Path | None = None,
              budget_overrides: dict | None = None, echo: Callable[[str], None] = print) -> dict:
    """A new run (`new_learner()`), or the resumed run of the checkpoint `resume`, named after its
    folder; checkpoints go to `out/<name>/`, logs to `runs/<name>/`."""
    if resume is not None:
        learner = restore_learner(Path(resume), budget_overrides or {})
        resume = Path(resume).resolve()
        # A run's checkpoints live in <out>/<name>/; a file elsewhere names the run after itself.
        in_run_folder = resume.parent.parent == Path(out).resolve()
        name = name or (resume.parent.name if in_run_folder else resume.stem)
        echo(f"resuming {resume} at update {learner.state.updates}, "
             f"{learner.state.env_steps:,} env steps")
    else:
        name = name or default_run_name(agent)
        for folder in (Path(out) / name, Path(runs) / name):
            if folder.exists() and any(folder.iterdir()):
                raise ConfigError(f"{folder} already holds a run named {name!r}: pick another "
                                  f"--name, or continue it with --resume")
        learner = new_learner()
    echo(f"run {name}")
    return run_training(learner, Path(out) / name, Path(runs) / name, suffix,
                        resumed=resume is not None, echo=echo)
