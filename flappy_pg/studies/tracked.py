"""One tracked training run, the unit of work of `compare`, `sweep` and their parallel jobs: a
learner trained under a budget, evaluated greedily on a cadence (of training seconds or of env
steps) for its curve, then once more on the final unseen games.

`tracked_job` is that run as a job (`flappy_pg.runs.jobs`): plain settings in, a JSON-able
`AgentRun` dict out, so it runs the same here, in a process pool or as a Ray task.
"""

from __future__ import annotations

from typing import Callable

from flappy_pg.agents.evaluate import evaluate
from flappy_pg.runs.loop import Cadence, train_loop
from flappy_pg.studies.compare_report import AgentRun

AGENT_KINDS = ("reinforce", "qlearning")


def make_learner(kind: str, settings: dict):
    """A new learner of `kind` from plain settings (its config's fields; the game and rewards as
    dicts). Periodic evaluations and the target stop are the tracker's, not the learner's."""
    settings = {**settings, "eval_every_steps": 0, "target_score": 0.0}
    if kind == "reinforce":
        from flappy_pg.agents.reinforce.config import TrainConfig
        from flappy_pg.agents.reinforce.trainer import Trainer
        return Trainer(TrainConfig(**settings))
    if kind == "qlearning":
        from flappy_pg.agents.qlearning.algorithm import QLearner
        from flappy_pg.agents.qlearning.config import QConfig
        return QLearner(QConfig(**settings))
    raise ValueError(f"unknown agent kind {kind!r}")


def cpus_of(kind: str, settings: dict) -> int:
    """The CPUs a run of `kind` keeps busy: REINFORCE's torch threads, one for the table."""
    if kind == "reinforce":
        from flappy_pg.agents.reinforce.config import TrainConfig
        return int(settings.get("torch_threads", TrainConfig.torch_threads))
    return 1


def train_and_track(learner, label: str, seed: int, eval_every: float, final_episodes: int,
                    final_seed: int, echo: Callable[[str], None], cadence: str = "seconds"
                    ) -> AgentRun:
    """Train under the learner's budget, evaluating the untrained agent, then each time the
    training clock (`cadence` "seconds") or the env-step count ("env_steps") passes a multiple
    of `eval_every`, and at the end; then the final evaluation."""
    c, state = learner.config, learner.state
    run = AgentRun(label, seed)

    def on_eval(due=None) -> None:
        result = evaluate(learner.eval_actor(), c.game, episodes=c.eval_episodes,
                          seed=c.eval_seed, max_score=c.eval_max_score, obs_type=c.obs_type)
        state.last_eval = result.mean
        run.curve.append({"seconds": state.seconds, "env_steps": state.env_steps,
                          "episodes": state.episodes, "mean": result.mean})
        when = "untrained" if not state.updates else "eval mean"
        echo(f"  {label} seed {seed}: {state.seconds:6.1f}s {state.env_steps:>12,} steps "
             f"{state.episodes:>10,} episodes  {when} {result.mean:8.1f}")

    on_eval()
    train_loop(learner, on_eval=on_eval, cadence=Cadence(eval_every, cadence))
    if run.curve[-1]["env_steps"] != state.env_steps:
        on_eval()
    final = evaluate(learner.eval_actor(), c.game, episodes=final_episodes,
                     seed=final_seed, max_score=c.eval_max_score, obs_type=c.obs_type)
    run.final = {**final.summary(), "scores": final.scores}
    return run


def tracked_job(kind: str, label: str, settings: dict, eval_every: float, final_episodes: int,
                final_seed: int, cadence: str = "seconds", save_path: str | None = None) -> dict:
    """A tracked run as a job: returns the `AgentRun` as a dict; with `save_path`, the trained
    agent is saved there (a checkpoint or table that eval, watch and --resume take)."""
    learner = make_learner(kind, settings)
    run = train_and_track(learner, label, settings.get("seed", 0), eval_every, final_episodes,
                          final_seed, lambda line: print(line, flush=True), cadence)
    if save_path:
        learner.save(save_path)
    return run.to_dict()
