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

import csv
import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from flappy_pg.agents.evaluate import capped_text, evaluate
from flappy_pg.game.config import GameConfig
from flappy_pg.runs.harness import out_of_budget

THRESHOLDS = (10, 100, 1000)
AGENTS = ("REINFORCE", "Q-learning")
AXES = (("env_steps", "env steps", "score_vs_steps.png"),
        ("seconds", "training seconds", "score_vs_seconds.png"),
        ("episodes", "training episodes", "score_vs_episodes.png"))


@dataclass
class AgentRun:
    agent: str
    seed: int
    curve: list[dict] = field(default_factory=list)  # seconds, env_steps, episodes, mean
    final: dict | None = None

    # The last evaluation is made when training ends, so it holds the run's totals.
    @property
    def env_steps(self) -> int:
        return self.curve[-1]["env_steps"]

    @property
    def seconds(self) -> float:
        return self.curve[-1]["seconds"]

    @property
    def episodes(self) -> int:
        return self.curve[-1]["episodes"]

    def first_reaching(self, score: float, key: str) -> float | None:
        for point in self.curve:
            if point["mean"] >= score:
                return point[key]
        return None


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
               "capped": capped_text(scores, mine[0].final["max_score"]),
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


def held_curves(runs: list[AgentRun], key: str) -> tuple[np.ndarray, np.ndarray]:
    """(x, scores): each run's evaluations held until its next one (and its last one after it
    ended), on the union of the runs' evaluation points; scores has one row per run."""
    x = np.unique([p[key] for r in runs for p in r.curve])
    rows = []
    for r in runs:
        xs, ys = [p[key] for p in r.curve], [p["mean"] for p in r.curve]
        rows.append(np.asarray(ys)[np.searchsorted(xs, x, side="right") - 1])
    return x, np.array(rows)


def plot_curves(runs: list[AgentRun], key: str, label: str, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    for agent, colour in zip(AGENTS, ("tab:blue", "tab:orange")):
        mine = [r for r in runs if r.agent == agent]
        if not mine:
            continue
        x, scores = held_curves(mine, key)
        ax.step(x, scores.mean(axis=0), where="post", color=colour,
                label=f"{agent}: mean of {len(mine)} seeds")
        ax.fill_between(x, scores.min(axis=0), scores.max(axis=0), step="post", color=colour,
                        alpha=0.2, label=f"{agent}: min to max over the seeds")
    ax.set_xlabel(label)
    ax.set_ylabel("evaluation score (pipes, greedy; symlog)")
    ax.set_yscale("symlog", linthresh=10)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    ax.set_title("each seed holds its last evaluation until the next one (its final one once it "
                 "has stopped)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def verdict(runs: list[AgentRun]) -> str:
    """One paragraph saying what the final evaluation and the curves show."""
    finals = {}
    for agent in AGENTS:
        mine = [r for r in runs if r.agent == agent]
        if mine:
            scores = np.concatenate([r.final["scores"] for r in mine])
            cap = mine[0].final["max_score"]
            finals[agent] = (float(np.mean(scores)), capped_text(scores, cap), mine)
    if len(finals) < 2:
        return ""
    (a, (ma, ca, ra)), (b, (mb, cb, rb)) = sorted(finals.items(), key=lambda kv: -kv[1][0])
    ratio = ""
    if mb > 0:
        ratio = (f", {ma / mb:.1f}x as many" if ma / mb >= 1.1
                 else f", {100 * (ma / mb - 1):.1f}% more")
    text = (f"**Verdict:** with the same budget, {a} ends ahead: a final mean of {ma:.1f} pipes "
            f"against {b}'s {mb:.1f}{ratio}; games at the cap: {ca} against {cb}.")
    wins = sum(x.final["mean"] > y.final["mean"] for x in ra for y in rb)
    text += f" Seed against seed, {a}'s final mean is higher in {wins} of {len(ra) * len(rb)} pairs."
    for agent, (_, _, mine) in finals.items():
        reached = [r.first_reaching(100, "seconds") for r in mine]
        got = [t for t in reached if t is not None]
        text += (f" {agent} reached an evaluation mean of 100 on {len(got)} of {len(mine)} seeds"
                 + (f" (median {np.median(got):.0f} s)." if got else "."))
    return text


def write_report(runs: list[AgentRun], out: Path, game: GameConfig, budget: dict,
                 echo: Callable[[str], None] = print) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "curves.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["agent", "seed", "seconds", "env_steps", "episodes", "eval_mean"])
        for r in runs:
            for p in r.curve:
                writer.writerow([r.agent, r.seed, f"{p['seconds']:.3f}", p["env_steps"],
                                 p["episodes"], p["mean"]])
    with (out / "finals.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["agent", "seed", "env_steps", "seconds", "episodes", "mean", "std",
                         "median", "max", "capped_share"])
        for r in runs:
            d = r.final
            writer.writerow([r.agent, r.seed, r.env_steps, f"{r.seconds:.1f}", r.episodes,
                             d["mean"], d["std"], d["median"], d["max"], d["capped_share"]])
    for key, label, name in AXES:
        plot_curves(runs, key, label, out / name)
    rows = summary_rows(runs)
    table = markdown_table(rows)
    budget_text = ", ".join(f"{k} = {v:g}" for k, v in budget.items() if v) or "none"
    final_episodes = len(runs[0].final["scores"])
    game_text = "the default (the original's geometry)" if game == GameConfig() else game.to_dict()
    intro = (f"Game: {game_text}. Budget per agent and seed: {budget_text}. Final evaluation: "
             f"{final_episodes} greedy episodes per seed on unseen seeds, the same games for both "
             f"agents, capped at {runs[0].final['max_score']} pipes; curves: evaluations during training on other "
             f"unseen seeds.")
    said = verdict(runs)
    images = "".join(f"![score vs {label}]({name})\n" for _, label, name in AXES)
    (out / "summary.md").write_text(f"# REINFORCE vs Q-learning\n\n{intro}\n\n{said}\n\n"
                                    f"{table}\n\n{images}")
    cells = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row.values())
                    + "</tr>" for row in rows)
    head = "".join(f"<th>{html.escape(c)}</th>" for c in rows[0])
    (out / "summary.html").write_text(
        "<!doctype html><meta charset='utf-8'><title>REINFORCE vs Q-learning</title>"
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}"
        "td,th{border:1px solid #ccc;padding:4px 8px}table{border-collapse:collapse}</style>"
        f"<h1>REINFORCE vs Q-learning</h1><p>{html.escape(intro)}</p>"
        f"<p>{html.escape(said.replace('**', ''))}</p>"
        f"<table><tr>{head}</tr>{cells}</table><p>"
        + " ".join(f"<img src='{name}'>" for _, _, name in AXES) + "</p>")
    echo(table)
    if said:
        echo(said.replace("**", ""))
    echo(f"report written to {out}")
