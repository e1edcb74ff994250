"""A REINFORCE training run as users start it from `flappy-pg train`: progress lines, the run
folder's logs, periodic evaluation on unseen seeds, best and latest checkpoints written
atomically, resume, and a clean stop on Ctrl-C that keeps the last good checkpoint."""

from __future__ import annotations

import signal
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Callable

from flappy_pg.checkpoint import load_checkpoint, restore_trainer, save_trainer
from flappy_pg.evaluate import evaluate
from flappy_pg.reinforce import Trainer, TrainConfig, policy_actor, train_loop
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


def default_run_name() -> str:
    return datetime.now().strftime("reinforce-%Y%m%d-%H%M%S")


def progress_line(stats: dict) -> str:
    return (f"update {stats['update']:>5}  steps {stats['env_steps']:>12,}  "
            f"episodes {stats['episodes']:>8,}  score mean {stats['score_mean']:7.2f} "
            f"max {stats['score_max']:>5}  entropy {stats['entropy']:.3f}  "
            f"{stats['sps']:>9,.0f} steps/s  {stats['seconds']:7.1f}s")


def run_training(config: TrainConfig | None, checkpoint_dir: Path, runs_dir: Path,
                 name: str | None = None, resume: Path | None = None,
                 echo: Callable[[str], None] = print, budget_overrides: dict | None = None) -> dict:
    """Train until a budget is reached or Ctrl-C; returns a summary with the checkpoint paths."""
    if resume is not None:
        payload = load_checkpoint(resume)
        trainer = restore_trainer(payload, **(budget_overrides or {}))
        name = name or Path(resume).parent.name
        echo(f"resuming {resume} at update {trainer.state.updates}, "
             f"{trainer.state.env_steps:,} env steps")
    else:
        trainer = Trainer(config)
        name = name or default_run_name()
    folder = Path(checkpoint_dir) / name
    latest, best = folder / "latest.pt", folder / "best.pt"
    log = RunLog(Path(runs_dir) / name, trainer.config.to_dict(), resume=resume is not None)
    c = trainer.config
    echo(f"run {name}: logs in {log.folder}, checkpoints in {folder}")

    def on_update(stats: dict) -> None:
        log.update(stats)
        echo(progress_line(stats))

    def on_eval() -> None:
        result = evaluate(policy_actor(trainer.policy, None, greedy=True), c.game_config,
                          episodes=c.eval_episodes, seed=c.eval_seed, max_score=c.eval_max_score)
        s = trainer.state
        s.last_eval = result.mean
        log.evaluation({"update": s.updates, "env_steps": s.env_steps,
                        "seconds": round(s.seconds, 3), **result.summary()})
        echo(f"evaluation (greedy, unseen seeds): {result.line()}")
        if result.mean > s.best_eval:
            s.best_eval = result.mean
            save_trainer(trainer, best)
        save_trainer(trainer, latest)

    started = time.perf_counter()
    with StopOnInterrupt(echo) as interrupt:
        reason = train_loop(trainer, on_update, on_eval, should_stop=interrupt.requested)
    save_trainer(trainer, latest)  # the finished update is saved before anything else
    if interrupt.requested():
        echo(f"latest checkpoint saved; resume with: flappy-pg train --resume {latest}")
    else:
        on_eval()  # the final evaluation, which also updates the best checkpoint
    log.close()
    echo(f"stopped: {reason}; {trainer.state.env_steps:,} env steps in "
         f"{trainer.state.seconds:.1f}s of training ({time.perf_counter() - started:.1f}s wall)")
    echo(f"latest checkpoint: {latest}\nbest checkpoint:   {best}")
    return {"reason": reason, "latest": latest, "best": best, "run": log.folder,
            "state": trainer.state}
