"""`flappy-pg compare`: REINFORCE against tabular Q-learning on the same game, seeds and budget.

Each agent trains for the same budget (seconds and/or env steps) on each seed; every
`eval_every_seconds` of training, and at the end, it is evaluated greedily on the same unseen
seeds (a time cadence, because the agents' step rates differ twentyfold). The final evaluation
plays the same unseen games for both agents. The report folder gets `summary.md` and
`summary.html` (a verdict and the table), `curves.csv` (every evaluation), `finals.csv`, and the
curves against env steps, training seconds and training episodes (`score_vs_*.png`): each
seed's curve holds its last evaluation until the next one (no interpolation), the line is the
mean over seeds of those, the band their min and max.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from flappy_pg.agents.evaluate import evaluate
from flappy_pg.game.config import GameConfig
from flappy_pg.runs.harness import out_of_budget
from flappy_pg.studies.compare_report import AGENTS, AgentRun, write_report


def make_learner(agent: str, seed: int, game: GameConfig, budget: dict, eval_episodes: int):
    common = dict(seed=seed, game=game, eval_every_steps=0, eval_episodes=eval_episodes,
                  target_score=0.0, **budget)
    if agent == "REINFORCE":
        from flappy_pg.agents.reinforce.algorithm import Trainer
        from flappy_pg.agents.reinforce.config import TrainConfig
        return Trainer(TrainConfig(**common))
    from flappy_pg.agents.qlearning.algorithm import QLearner
    from flappy_pg.agents.qlearning.config import QConfig
    return QLearner(QConfig(**common))


def train_and_track(learner, agent: str, seed: int, eval_every_seconds: float,
                    final_episodes: int, final_seed: int,
                    echo: Callable[[str], None]) -> AgentRun:
    """Train under the learner's budget, evaluating each time the training clock passes a
    multiple of `eval_every_seconds`, and at the end; then the final evaluation."""
    c, state = learner.config, learner.state
    run = AgentRun(agent, seed)

    def on_eval() -> None:
        result = evaluate(learner.eval_actor(), c.game, episodes=c.eval_episodes,
                          seed=c.eval_seed, max_score=c.eval_max_score,
                          obs_type=c.obs_type)
        state.last_eval = result.mean
        run.curve.append({"seconds": state.seconds, "env_steps": state.env_steps,
                          "episodes": state.episodes, "mean": result.mean})
        echo(f"  {agent} seed {seed}: {state.seconds:6.1f}s {state.env_steps:>12,} steps "
             f"{state.episodes:>10,} episodes  eval mean {result.mean:8.1f}")

    on_eval()  # the untrained agent
    while not out_of_budget(c, state):
        before = state.seconds
        learner.step()
        if state.seconds // eval_every_seconds > before // eval_every_seconds:
            on_eval()
    if run.curve[-1]["env_steps"] != state.env_steps:
        on_eval()
    final = evaluate(learner.eval_actor(), c.game, episodes=final_episodes,
                     seed=final_seed, max_score=c.eval_max_score, obs_type=c.obs_type)
    run.final = {**final.summary(), "scores": final.scores}
    return run


def run_comparison(game: GameConfig, seeds: tuple[int, ...], seconds: float, steps: int,
                   out: Path, eval_every_seconds: float = 20.0, eval_episodes: int = 32,
                   final_episodes: int = 100, final_seed: int = 3_000_000,
                   save_agents: Path | None = None,
                   echo: Callable[[str], None] = print) -> list[AgentRun]:
    """Train and evaluate both agents on every seed, and write the report; with `save_agents`,
    each trained agent is also saved there (`reinforce-seed0.pt`, `qlearning-seed0.npz`, ...)."""
    budget = {"max_seconds": seconds, "max_steps": steps}
    runs = []
    for agent in AGENTS:
        for seed in seeds:
            echo(f"training {agent}, seed {seed} ...")
            learner = make_learner(agent, seed, game, budget, eval_episodes)
            runs.append(train_and_track(learner, agent, seed, eval_every_seconds,
                                        final_episodes, final_seed, echo))
            if save_agents is not None:
                suffix = ".pt" if agent == "REINFORCE" else ".npz"
                learner.save(save_agents / f"{agent.lower().replace('-', '')}-seed{seed}{suffix}")
            write_report(runs, out, game, budget, echo=lambda line: None)  # keep what is done
    write_report(runs, out, game, budget, echo)
    return runs
