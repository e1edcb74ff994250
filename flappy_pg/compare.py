"""`flappy-pg compare`: REINFORCE against tabular Q-learning on the same game, seeds and budget.

Each agent trains for the same budget (seconds and/or env steps) on each seed; at regular
intervals of env steps, and at the end, it is evaluated greedily on the same unseen seeds.
The report folder gets `summary.md` and `summary.html` (the table), `curves.csv` (every
evaluation), `finals.csv`, and `score_vs_steps.png` / `score_vs_seconds.png` (mean over seeds
with a min-max band).
"""

from __future__ import annotations

import csv
import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from flappy_pg.config import GameConfig
from flappy_pg.evaluate import evaluate
from flappy_pg.training import train_loop

THRESHOLDS = (10, 100, 1000)
AGENTS = ("REINFORCE", "Q-learning")


@dataclass
class AgentRun:
    agent: str
    seed: int
    curve: list[dict] = field(default_factory=list)  # seconds, env_steps, mean
    final: dict | None = None
    env_steps: int = 0
    seconds: float = 0.0

    def first_reaching(self, score: float, key: str) -> float | None:
        for point in self.curve:
            if point["mean"] >= score:
                return point[key]
        return None


def make_learner(agent: str, seed: int, game: GameConfig, budget: dict, eval_every_steps: int,
                 eval_episodes: int):
    common = dict(seed=seed, game=game.to_dict(), eval_every_steps=eval_every_steps,
                  eval_episodes=eval_episodes, target_score=0.0, **budget)
    if agent == "REINFORCE":
        from flappy_pg.reinforce import Trainer, TrainConfig
        return Trainer(TrainConfig(**common))
    from flappy_pg.qlearning import QConfig, QLearner
    return QLearner(QConfig(**common))


def train_and_track(learner, agent: str, seed: int, final_episodes: int,
                    echo: Callable[[str], None]) -> AgentRun:
    """Train under the learner's budget, evaluating every `eval_every_steps` env steps."""
    c = learner.config
    run = AgentRun(agent, seed)

    def on_eval() -> None:
        result = evaluate(learner.eval_actor(), c.game_config, episodes=c.eval_episodes,
                          seed=c.eval_seed, max_score=c.eval_max_score)
        learner.state.last_eval = result.mean
        run.curve.append({"seconds": learner.state.seconds, "env_steps": learner.state.env_steps,
                          "mean": result.mean})
        echo(f"  {agent} seed {seed}: {learner.state.seconds:6.1f}s "
             f"{learner.state.env_steps:>12,} steps  eval mean {result.mean:8.1f}")

    on_eval()  # the untrained agent
    train_loop(learner, lambda stats: None, on_eval)
    if run.curve[-1]["env_steps"] != learner.state.env_steps:
        on_eval()
    final = evaluate(learner.eval_actor(), c.game_config, episodes=final_episodes,
                     seed=c.eval_seed + 10_000, max_score=c.eval_max_score)
    run.final = {**final.summary(), "scores": final.scores}
    run.env_steps, run.seconds = learner.state.env_steps, learner.state.seconds
    return run


def run_comparison(game: GameConfig, seeds: tuple[int, ...], seconds: float, steps: int,
                   out: Path, eval_every_steps: int = 2_000_000, eval_episodes: int = 32,
                   final_episodes: int = 100, echo: Callable[[str], None] = print) -> list[AgentRun]:
    budget = {"max_seconds": seconds, "max_steps": steps}
    runs = []
    for agent in AGENTS:
        for seed in seeds:
            echo(f"training {agent}, seed {seed} ...")
            learner = make_learner(agent, seed, game, budget, eval_every_steps, eval_episodes)
            runs.append(train_and_track(learner, agent, seed, final_episodes, echo))
    write_report(runs, out, game, budget, echo)
    return runs


# -- the report --------------------------------------------------------------------------------
def _fmt(value, unit: str = "") -> str:
    if value is None:
        return "not reached"
    return f"{value:,.0f}{unit}" if value >= 100 else f"{value:.1f}{unit}"


def summary_rows(runs: list[AgentRun]) -> list[dict]:
    rows = []
    for agent in AGENTS:
        mine = [r for r in runs if r.agent == agent]
        if not mine:
            continue
        scores = np.concatenate([r.final["scores"] for r in mine])
        means = [r.final["mean"] for r in mine]
        row = {"agent": agent, "seeds": len(mine),
               "final mean ± std": f"{np.mean(scores):.1f} ± {np.std(scores):.1f}",
               "per-seed means": ", ".join(f"{m:.1f}" for m in means),
               "median": f"{np.median(scores):.0f}", "max": f"{scores.max()}",
               "capped": f"{np.mean(scores >= mine[0].final['max_score']):.0%}",
               "steps/s": f"{sum(r.env_steps for r in mine) / sum(r.seconds for r in mine):,.0f}"}
        for score in THRESHOLDS:
            for key, unit in (("env_steps", ""), ("seconds", " s")):
                reached = [r.first_reaching(score, key) for r in mine]
                got = [v for v in reached if v is not None]
                label = f"{'steps' if key == 'env_steps' else 'time'} to {score}"
                row[label] = (f"{_fmt(float(np.median(got)), unit)} ({len(got)}/{len(mine)} seeds)"
                              if got else "not reached")
        rows.append(row)
    return rows


def markdown_table(rows: list[dict]) -> str:
    columns = list(rows[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    lines += ["| " + " | ".join(str(row[c]) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def plot_curves(runs: list[AgentRun], key: str, label: str, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    for agent, colour in zip(AGENTS, ("tab:blue", "tab:orange")):
        mine = [r for r in runs if r.agent == agent]
        if not mine:
            continue
        end = min(r.curve[-1][key] for r in mine)
        grid = np.linspace(0, end, 200)
        curves = np.array([np.interp(grid, [p[key] for p in r.curve], [p["mean"] for p in r.curve])
                           for r in mine])
        ax.plot(grid, curves.mean(axis=0), color=colour, label=f"{agent} (mean of {len(mine)} seeds)")
        ax.fill_between(grid, curves.min(axis=0), curves.max(axis=0), color=colour, alpha=0.2)
    ax.set_xlabel(label)
    ax.set_ylabel("evaluation score (pipes, greedy)")
    ax.set_yscale("symlog", linthresh=10)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def write_report(runs: list[AgentRun], out: Path, game: GameConfig, budget: dict,
                 echo: Callable[[str], None] = print) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "curves.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["agent", "seed", "seconds", "env_steps", "eval_mean"])
        for r in runs:
            for p in r.curve:
                writer.writerow([r.agent, r.seed, f"{p['seconds']:.3f}", p["env_steps"], p["mean"]])
    with (out / "finals.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["agent", "seed", "env_steps", "seconds", "mean", "std", "median", "max",
                         "capped_share"])
        for r in runs:
            d = r.final
            writer.writerow([r.agent, r.seed, r.env_steps, f"{r.seconds:.1f}", d["mean"], d["std"],
                             d["median"], d["max"], d["capped_share"]])
    plot_curves(runs, "env_steps", "env steps", out / "score_vs_steps.png")
    plot_curves(runs, "seconds", "training seconds", out / "score_vs_seconds.png")
    rows = summary_rows(runs)
    table = markdown_table(rows)
    budget_text = ", ".join(f"{k} = {v:g}" for k, v in budget.items() if v) or "none"
    final_episodes = len(runs[0].final["scores"])
    intro = (f"Game: {'classic' if game == GameConfig() else game.to_dict()}. Budget per agent and "
             f"seed: {budget_text}. Final evaluation: {final_episodes} greedy episodes per seed on "
             f"unseen seeds, capped at {runs[0].final['max_score']} pipes; curves: evaluations "
             f"during training on other unseen seeds.")
    (out / "summary.md").write_text(f"# REINFORCE vs Q-learning\n\n{intro}\n\n{table}\n\n"
                                    "![score vs env steps](score_vs_steps.png)\n"
                                    "![score vs seconds](score_vs_seconds.png)\n")
    cells = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row.values())
                    + "</tr>" for row in rows)
    head = "".join(f"<th>{html.escape(c)}</th>" for c in rows[0])
    (out / "summary.html").write_text(
        "<!doctype html><meta charset='utf-8'><title>REINFORCE vs Q-learning</title>"
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}"
        "td,th{border:1px solid #ccc;padding:4px 8px}table{border-collapse:collapse}</style>"
        f"<h1>REINFORCE vs Q-learning</h1><p>{html.escape(intro)}</p>"
        f"<table><tr>{head}</tr>{cells}</table>"
        "<p><img src='score_vs_steps.png'> <img src='score_vs_seconds.png'></p>")
    echo(table)
    echo(f"report written to {out}")
