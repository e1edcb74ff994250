"""The one training loop every run goes through (`train`, the jobs of `compare` and `sweep`, the
learning benchmark): update until a budget or a stop, evaluating on a cadence. What each caller
needs besides (logs and checkpoints, a curve, checks on the policy before an update) comes in
through its hooks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flappy_pg.agents.learner import RunState


def out_of_budget(config, state: RunState, eval_games: int | None = None) -> str | None:
    """Why a run should stop now (step, time or target-score budget), or None. `eval_games`:
    how many games the last evaluation played (the configured evaluation's by default)."""
    if config.max_steps and state.env_steps >= config.max_steps:
        return f"reached the step budget ({config.max_steps:,} env steps)"
    max_episodes = getattr(config, "max_episodes", 0)
    if max_episodes and state.episodes >= max_episodes:
        return f"reached the episode budget ({max_episodes:,} episodes)"
    if config.max_seconds and state.seconds >= config.max_seconds:
        return f"reached the time budget ({config.max_seconds:g} s)"
    if config.target_score and state.last_eval >= config.target_score:
        games = eval_games or config.eval_episodes
        return (f"reached the target score (evaluation mean {state.last_eval:.1f} on {games} "
                f"unseen games)")
    return None


@dataclass(frozen=True)
class Cadence:
    """Evaluations each time a clock of the run (`env_steps` or training `seconds`) passes a
    multiple of `every` (0: never), or passes one of the `marks`."""

    every: float = 0
    clock: str = "env_steps"
    marks: tuple[float, ...] = ()

    def time(self, state: RunState) -> float:
        return state.env_steps if self.clock == "env_steps" else state.seconds

    def crossed(self, before: float, after: float) -> list[float]:
        """The multiples and marks in (before, after]: the evaluations now due."""
        due = [m for m in self.marks if before < m <= after]
        if self.every and after // self.every > before // self.every:
            due.append(after // self.every * self.every)
        return sorted(set(due))


def train_loop(learner, on_update: Callable[[dict], None] = lambda stats: None,
               on_eval: Callable[[list[float]], int | None] | None = None,
               cadence: Cadence | None = None,
               should_stop: Callable[[], bool] = lambda: False,
               should_drop: Callable[[], bool] | None = None,
               before_update: Callable[[], None] = lambda: None) -> str:
    """Update until a budget is reached or `should_stop()`; `on_eval(the times crossed)` each
    time the `cadence` (default: every `eval_every_steps` env steps) is due, which may return
    how many games it played. `before_update()` runs before each update; `should_drop`: when an
    update in progress is dropped (the learner raises `Abandoned`). Returns why it stopped."""
    c = learner.config
    cadence = cadence or Cadence(c.eval_every_steps)
    eval_games = None
    while True:
        before_update()
        before = cadence.time(learner.state)
        on_update(learner.step(should_stop=should_drop))
        if should_stop():
            return "interrupted"
        due = cadence.crossed(before, cadence.time(learner.state))
        if on_eval and due:
            eval_games = on_eval(due)
        reason = out_of_budget(c, learner.state, eval_games)
        if reason:
            return reason
