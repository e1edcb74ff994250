"""A training run as users start it from the command line, for either agent: progress lines,
the run folder's logs, periodic evaluation on unseen seeds, best and latest checkpoints written
atomically, resume, and a clean stop on Ctrl-C that keeps the last good checkpoint.

It runs any learner of the shape `flappy_pg.agents.learner.Learner` describes (REINFORCE's
`Trainer`, Q-learning's `QLearner`).
"""

from __future__ import annotations

import json
import math
import re
import signal
import threading
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Callable

from flappy_pg.agents.evaluate import CONFIRM_EPISODES, evaluate
from flappy_pg.agents.learner import Abandoned, Learner, abandonable
from flappy_pg.agents.settings import migrate_eval_clock
from flappy_pg.errors import ConfigError
from flappy_pg.runs.folders import (
    NAME,
    FolderLock,
    check_run_name,
    ensure_writable_folder,
    remove_stale_temporaries,
)
from flappy_pg.runs.log import RunLog
from flappy_pg.runs.loop import train_loop
from flappy_pg.runs.plots import plot_run
from flappy_pg.runs.snapshots import write_snapshot

CURVES_EVERY = 15.0  # wall-clock seconds between redrawings of a run's curves.png
LIVE_EVERY = 2.0  # wall-clock seconds between the live snapshots a --watch window plays


@contextmanager
def children_ignore_sigint():
    """Processes started inside are born ignoring SIGINT, so the terminal's Ctrl-C (sent to the
    whole group) never reaches them, not even while Python starts in them: a spawned child does
    not inherit a blocked signal, but keeps one that is ignored. A Ctrl-C arriving meanwhile
    waits, blocked, and reaches this process's own handler just after."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        yield
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


class StopOnInterrupt:
    """The first Ctrl-C or SIGTERM (what `kill`, `timeout` and schedulers send) asks the loop to
    stop after the current update, so the checkpoint is consistent; an update still running a
    second later is dropped (`overdue`); a second signal interrupts at once (the last checkpoint
    written is kept)."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)
    GRACE = 1.0  # seconds an update may still take to finish after a stop was asked for

    def __init__(self, echo: Callable[[str], None], after: str = "this update"):
        self.echo, self.after = echo, after
        self.reason: str | None = None
        self.asked_at = math.inf
        self._previous: dict = {}
        self._said: threading.Thread | None = None

    def requested(self) -> bool:
        return self.reason is not None

    def overdue(self) -> bool:
        """A stop was asked for more than `GRACE` seconds ago: drop the work in progress."""
        return time.monotonic() - self.asked_at >= self.GRACE

    def _handle(self, signum, frame) -> None:
        if self.reason is not None:
            raise KeyboardInterrupt
        self.reason = "Ctrl-C" if signum == signal.SIGINT else signal.Signals(signum).name
        self.asked_at = time.monotonic()
        # Said from a thread of its own: the signal may have come while this thread was writing
        # to the terminal, and writing again from inside that write is a RuntimeError.
        self._said = threading.Thread(target=self.echo, daemon=True, args=(
            f"{self.reason}: stopping after {self.after}; again to abort at once ...",))
        self._said.start()

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            for signum in self.SIGNALS:
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        if self._said is not None:
            self._said.join(timeout=2)  # the stop's line comes before what follows it


class Heartbeat:
    """A line every `every` seconds while one piece of work (an update, an evaluation) runs
    long, so that huge batches or layers are never silent; `beat(phase)` says what runs now."""

    def __init__(self, echo: Callable[[str], None], every: float = 5.0):
        self.echo, self.every = echo, every
        self.phase, self.since = "update 1", time.monotonic()
        self._shown = self.since
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def beat(self, phase: str) -> None:
        self.phase, self.since = phase, time.monotonic()
        self._shown = self.since

    def _watch(self) -> None:
        while not self._done.wait(0.5):
            now = time.monotonic()
            if now - self._shown >= self.every:
                self._shown = now
                self.echo(f"{self.phase}: still running after {now - self.since:.0f} s (large "
                          f"batches or layers make long updates; Ctrl-C stops within a second)")

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join()


def default_run_name(agent: str) -> str:
    return datetime.now().strftime(f"{agent}-%Y%m%d-%H%M%S")


def progress_header(config) -> str:
    """What the progress lines' columns are (the training cap is not the evaluation's)."""
    extra = "entropy" if hasattr(config, "entropy_coef") else "epsilon"
    return (f"columns: update, env steps, episodes, this batch's training score (mean and max; "
            f"training games stop at {config.train_max_score} pipes), {extra}, env steps per "
            f"second, training time; evaluations (greedy on unseen games, capped at "
            f"{config.eval_max_score}) every {config.eval_every_steps:,} env steps")


def next_commands(suffix: str, best: Path, latest: Path, run: Path) -> list[str]:
    """What to do with a finished run, with its own paths."""
    agent = "flappy-pg" if suffix == ".pt" else "flappy-pg qlearn"
    saved = best if best.exists() else latest
    return [f"  watch it:   {agent} watch {saved}",
            f"  score it:   {agent} eval {saved}",
            f"  plot it:    {run / 'curves.png'} (redrawn at each evaluation), or "
            f"flappy-pg plot {run} [other runs] --out runs.png",
            f"  continue:   {'flappy-pg train' if suffix == '.pt' else 'flappy-pg qlearn train'} "
            f"--resume {latest}"]


def hold_line(config) -> str:
    """What the hold changes (`hold_games`, `hold_lr`)."""
    games = f"{config.hold_games} games a round" if config.hold_games else ""
    rate = f"learning rate {config.hold_lr:g}" if config.hold_lr else ""
    return ", ".join(part for part in (games, rate) if part)


def progress_line(stats: dict) -> str:
    extra = (f"entropy {stats['entropy']:.3f}" if "entropy" in stats
             else f"epsilon {stats.get('epsilon', 0):.3f}")
    return (f"update {stats['update']:>5}  steps {stats['env_steps']:>12,}  "
            f"episodes {stats['episodes']:>8,}  score mean {stats['score_mean']:7.2f} "
            f"max {stats['score_max']:>5}  {extra}  "
            f"{stats['sps']:>9,.0f} steps/s  {stats['seconds']:7.1f}s")


def run_training(learner, checkpoint_folder: Path, run_folder: Path, suffix: str,
                 resumed: bool = False, echo: Callable[[str], None] = print,
                 save_every: float = 10.0, progress_every: float = 1.0,
                 snapshots: bool | None = None, window=None) -> dict:
    """Train until a budget is reached, Ctrl-C or SIGTERM; returns a summary with the checkpoint
    paths. `latest` is written before the first update, every `save_every` wall-clock seconds,
    at every evaluation and at the end, so a killed run loses at most that much work. With
    `snapshots` (default: unless the policy reads pixels), a snapshot of the policy is kept at
    each evaluation; with a `window` (`flappy_pg.app.live.LiveWindow`), a live one every
    LIVE_EVERY seconds, which the window's own process picks up."""
    latest, best = checkpoint_folder / f"latest{suffix}", checkpoint_folder / f"best{suffix}"
    c = learner.config
    if snapshots is None:
        snapshots = getattr(c, "obs", "features") != "pixels"
    if not resumed:
        learner.save(latest)  # update 0: even a run killed in its first update can be resumed
    log = RunLog(run_folder, c.to_dict(), resume_after=learner.state.updates if resumed else None)
    echo(f"logs in {log.folder}, checkpoints in {checkpoint_folder}")
    if window is not None:
        write_snapshot(learner, log.folder, live=True)  # the window starts on the policy now
        window.start()
        echo("the window shows birds of the newest policy; closing it leaves training running")
    last_save = time.monotonic()
    evaluated_at = None  # the env-step count of the last evaluation: each state is evaluated once

    last_shown = -math.inf
    interrupt, heartbeat = StopOnInterrupt(echo), Heartbeat(echo)
    last_drawn = -math.inf

    def draw_curves(final: bool = False) -> None:
        """curves.png, at most every CURVES_EVERY seconds of wall time and at the end (drawing
        takes a few tenths of a second)."""
        nonlocal last_drawn
        if final or time.monotonic() - last_drawn >= CURVES_EVERY:
            plot_run(log.folder)
            last_drawn = time.monotonic()

    last_live = -math.inf

    def on_update(stats: dict) -> None:
        nonlocal last_save, last_shown, last_live
        heartbeat.beat(f"update {stats['update'] + 1}")
        log.update(stats)  # every update is logged; the terminal gets a line a second at most
        if window is not None and window.open(echo) and \
                time.monotonic() - last_live >= LIVE_EVERY:
            write_snapshot(learner, log.folder, live=True)
            last_live = time.monotonic()
        if stats.get("hold_began"):
            share = ("every new game" if c.hold_share >= 1
                     else f"at least {c.hold_share:.0%} of the new games")
            echo(f"update {stats['update']}: {share} of its batch reached the training cap, "
                 f"so training holds from here on ({hold_line(c)})")
        if time.monotonic() - last_shown >= progress_every:
            if last_shown == -math.inf:
                echo(progress_header(c))
            echo(progress_line(stats))
            last_shown = time.monotonic()
        if time.monotonic() - last_save >= save_every:
            learner.save(latest)
            last_save = time.monotonic()

    def on_eval(due=None, confirm: bool = True, start: bool = False) -> int:
        """Evaluate, log it, keep the best checkpoint; returns the number of games that decide
        the target. A target reached on fewer than CONFIRM_EPISODES games must hold on that many
        fresh ones (the seeds after the evaluation's) before the run stops for it. The `start`
        evaluation (the untrained policy) is only a look: it never decides the target."""
        nonlocal last_save, evaluated_at
        evaluated_at = learner.state.env_steps
        heartbeat.beat("the evaluation")
        result = evaluate(abandonable(learner.eval_actor(), interrupt.overdue), c.game,
                          episodes=c.eval_episodes, seed=c.eval_seed, max_score=c.eval_max_score,
                          obs_type=c.obs_type)
        s = learner.state
        if not start:
            s.last_eval = result.mean
        log.evaluation({"update": s.updates, "env_steps": s.env_steps,
                        "seconds": round(s.seconds, 3), **result.summary()})
        echo(f"evaluation (greedy, unseen seeds): {result.line()}")
        draw_curves()
        if snapshots:
            write_snapshot(learner, log.folder)
        if result.mean > s.best_eval:
            s.best_eval = result.mean
            learner.save(best)
        games = c.eval_episodes
        if confirm and not start and c.target_score and result.mean >= c.target_score \
                and games < CONFIRM_EPISODES:
            check = evaluate(abandonable(learner.eval_actor(), interrupt.overdue), c.game,
                             episodes=CONFIRM_EPISODES, seed=c.eval_seed + c.eval_episodes,
                             max_score=c.eval_max_score, obs_type=c.obs_type)
            held = check.mean >= c.target_score
            echo(f"target check on {CONFIRM_EPISODES} fresh games: {check.line()}"
                 f" -> {'confirmed' if held else 'not yet, training on'}")
            s.last_eval, games = check.mean, CONFIRM_EPISODES
        learner.save(latest)
        last_save = time.monotonic()
        heartbeat.beat(f"update {s.updates + 1}")
        return games

    started = time.perf_counter()
    dropped = None
    heartbeat.beat(f"update {learner.state.updates + 1}")
    try:
        with interrupt, heartbeat:
            try:
                if not resumed and c.eval_every_steps:
                    # the untrained policy: where the curve and the time-lapse start (a Ctrl-C
                    # during it stops the run as one during an update does)
                    on_eval(start=True)
                if not interrupt.requested():
                    reason = train_loop(learner, on_update, on_eval,
                                        should_stop=interrupt.requested,
                                        should_drop=interrupt.overdue)
            except Abandoned:
                dropped = heartbeat.phase
    except KeyboardInterrupt:
        log.close()
        echo(f"aborted; the last checkpoint written is kept: continue with --resume {latest}")
        raise
    if interrupt.requested():
        reason = f"interrupted ({interrupt.reason})"
        learner.save(latest)
        if dropped:
            echo(f"{dropped} was dropped to stop at once")
        echo(f"latest checkpoint saved; continue with --resume {latest}")
    else:
        learner.save(latest)  # the finished update is saved before the final evaluation
        if evaluated_at != learner.state.env_steps:  # not just evaluated by the loop
            on_eval(confirm=False)  # the final evaluation, which also updates the best checkpoint
    log.close()
    if evaluated_at is not None:
        draw_curves(final=True)
    echo(f"stopped: {reason}; {learner.state.env_steps:,} env steps in "
         f"{learner.state.seconds:.1f}s of training ({time.perf_counter() - started:.1f}s wall)")
    echo(f"latest checkpoint: {latest}")
    if best.exists():
        echo(f"best checkpoint:   {best}")
    elif learner.state.best_eval == -math.inf:
        echo("best checkpoint:   none yet (no evaluation was made)")
    else:
        echo(f"best checkpoint:   none written in this folder (no evaluation beat the run's best, "
             f"{learner.state.best_eval:.1f})")
    if learner.state.best_eval > -math.inf:
        echo(f"best evaluation:   a mean of {learner.state.best_eval:.1f} pipes on "
             f"{c.eval_episodes} unseen games (capped at {c.eval_max_score})")
    echo(f"logs and curves:   {log.folder} (updates.csv, evals.csv, curves.png)")
    for line in next_commands(suffix, best, latest, log.folder):
        echo(line)
    return {"reason": reason, "latest": latest, "best": best, "run": log.folder,
            "state": learner.state}


def run_folders(agent: str, suffix: str, out: Path, runs: Path, name: str | None,
                resume: Path | None) -> tuple[str, Path, Path, bool]:
    """(name, checkpoint folder, log folder, continuing in place). Resuming a run's `latest`
    continues that run in its own folder; resuming any other file (a `best`, a shipped agent)
    branches into a new run, named after it unless `--name` is given."""
    if name is not None:
        check_run_name(name)
    if resume is not None and resume.name == f"latest{suffix}":
        folder = resume.resolve().parent
        if name in (None, folder.name) and NAME.fullmatch(folder.name):
            return folder.name, folder, runs / folder.name, True
    if resume is not None and name is None:
        stem = resume.stem if resume.stem not in ("best", "latest") else \
            f"{resume.parent.name}-{resume.stem}"
        name = re.sub(r"[^A-Za-z0-9._-]", "-", stem).strip(".-")[:100] or "resumed"
    name = name or default_run_name(agent)
    return name, out / name, runs / name, False


def refuse_existing_run(name: str, checkpoint_folder: Path, run_folder: Path, suffix: str) -> None:
    """A new run never writes into a folder that already holds another run."""
    latest = checkpoint_folder / f"latest{suffix}"
    if latest.exists():
        raise ConfigError(f"{checkpoint_folder} already holds a run named {name!r}: continue it "
                          f"with --resume {latest}, or pick another --name")
    if (run_folder / "config.json").exists():
        raise ConfigError(f"{run_folder} already holds the logs of a run named {name!r}: pick "
                          f"another --name")


def refuse_foreign_logs(run_folder: Path, config: dict) -> None:
    """A resumed run appends only to its own logs, never to another run's of the same name."""
    budget = {"max_steps", "max_seconds", "target_score"}
    try:
        logged = json.loads((run_folder / "config.json").read_text())
    except (OSError, ValueError):
        return
    if not isinstance(logged, dict):
        return
    mine = {k: v for k, v in config.items() if k not in budget}
    # a setting newer than the logs did not exist when they were written: it cannot differ
    theirs = {**mine, **{k: v for k, v in migrate_eval_clock(logged).items() if k not in budget}}
    if mine != theirs:
        raise ConfigError(f"{run_folder} holds the logs of another run with other settings: "
                          f"resume with --name to log into a new folder")


def start_run(agent: str, suffix: str, new_learner: Callable[[], Learner],
              restore_learner: Callable[[Path, dict], Learner], out: Path, runs: Path,
              name: str | None = None, resume: Path | None = None,
              budget_overrides: dict | None = None, echo: Callable[[str], None] = print,
              save_every: float = 10.0, snapshots: bool | None = None,
              window: Callable[[Path], object] | None = None) -> dict:
    """A new run (`new_learner()`), or the resumed run of the checkpoint `resume`; checkpoints go
    to `out/<name>/`, logs to `runs/<name>/`. Every folder is checked and locked before the
    work starts. `window(run folder)`: a window to show the run in (`--watch`), started once
    the folders are ready and stopped when the training ends."""
    resume = Path(resume) if resume is not None else None
    name, checkpoint_folder, run_folder, in_place = run_folders(agent, suffix, Path(out),
                                                                Path(runs), name, resume)
    learner = (restore_learner(resume, budget_overrides or {}) if resume is not None
               else new_learner())
    for folder in (checkpoint_folder, run_folder):
        ensure_writable_folder(folder)
    with FolderLock(checkpoint_folder), FolderLock(run_folder):
        if in_place:
            refuse_foreign_logs(run_folder, learner.config.to_dict())
        else:
            refuse_existing_run(name, checkpoint_folder, run_folder, suffix)
        remove_stale_temporaries(checkpoint_folder)
        if resume is not None:
            echo(f"resuming {resume} at update {learner.state.updates}, "
                 f"{learner.state.env_steps:,} env steps")
        echo(f"run {name}")
        shown = window(run_folder) if window is not None else None
        try:
            return run_training(learner, checkpoint_folder, run_folder, suffix,
                                resumed=resume is not None, echo=echo, save_every=save_every,
                                snapshots=snapshots, window=shown)
        finally:
            if shown is not None:
                shown.stop()
